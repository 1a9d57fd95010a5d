package dev.natagent.agent.cluster;

import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterNode;
import dev.natagent.agent.model.PortRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives every node of a topology a listen port from its cluster's range, the same one for as long
 * as the node exists: a node keeps its port across polls, failovers (its role changes, its id does
 * not) and restarts (the ports are part of the state). A new node takes the lowest free port. A
 * node missing from the topology loses its forward at once but keeps its port for the cluster's
 * grace period, so a node that comes back finds its port; only when new nodes would otherwise find
 * no port are ports of missing nodes taken back early, longest missing first. A topology with more
 * nodes than the range has ports is refused as a whole: never a partial map.
 */
public final class PortAssigner {
    private PortAssigner() {}

    /** More present nodes than the cluster's listen range has ports. */
    public static final class RangeFullException extends Exception {
        private static final long serialVersionUID = 1L;

        RangeFullException(String message) {
            super(message);
        }
    }

    /**
     * The cluster after {@code topology} was seen at {@code now} (epoch seconds).
     *
     * @throws RangeFullException when the range cannot hold every node of the topology
     */
    public static Cluster assign(Cluster cluster, Topology topology, long now) throws RangeFullException {
        PortRange range = cluster.spec().listen();
        if (topology.nodes().size() > range.size()) {
            throw new RangeFullException("the cluster has " + topology.nodes().size() + " nodes but listen "
                    + range + " has " + range.size() + " port(s); widen the range (natctl cluster add with a"
                    + " wider --listen, or apply)");
        }
        Map<String, ClusterNode> known = new HashMap<>();
        cluster.nodes().forEach(n -> known.put(n.id(), n));
        Map<String, ClusterNode> next = new LinkedHashMap<>();
        List<TopologyNode> fresh = new ArrayList<>();
        for (TopologyNode node : topology.nodes()) {
            ClusterNode before = known.get(node.id());
            if (before == null) {
                fresh.add(node);
            } else {
                next.put(node.id(), before.seen(node.advertisedHost(), node.address(), node.port(), node.role()));
            }
        }
        List<ClusterNode> missing = new ArrayList<>();
        for (ClusterNode node : cluster.nodes()) {
            if (!next.containsKey(node.id())) {
                ClusterNode gone = node.missingSince(now);
                if (now - gone.vanishedAt() < cluster.spec().graceSeconds()) {
                    missing.add(gone);
                }
            }
        }
        // Longest missing first, so the most recently seen nodes keep their ports longest.
        missing.sort(Comparator.comparingLong(ClusterNode::vanishedAt));
        int held = next.size() + missing.size();
        int reclaim = Math.max(0, held + fresh.size() - range.size());
        List<ClusterNode> keptMissing = missing.subList(reclaim, missing.size());
        Set<Integer> taken = new HashSet<>();
        next.values().forEach(n -> taken.add(n.listenPort()));
        keptMissing.forEach(n -> taken.add(n.listenPort()));
        // New nodes in address order: the same topology gives the same ports on every agent.
        fresh.sort(Comparator.comparing(TopologyNode::address).thenComparingInt(TopologyNode::port));
        int port = range.first();
        List<ClusterNode> nodes = new ArrayList<>(next.values());
        nodes.addAll(keptMissing);
        for (TopologyNode node : fresh) {
            while (taken.contains(port)) {
                port++;
            }
            nodes.add(new ClusterNode(
                    node.id(), node.advertisedHost(), node.address(), node.port(), node.role(), port, null));
            taken.add(port);
        }
        nodes.sort(Comparator.comparingInt(ClusterNode::listenPort));
        return new Cluster(cluster.spec(), topology.version(), nodes);
    }
}
