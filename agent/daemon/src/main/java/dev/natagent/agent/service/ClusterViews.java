package dev.natagent.agent.service;

import dev.natagent.agent.api.AdminException;
import dev.natagent.agent.cluster.PollRecord;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterNode;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.protocol.ClusterMap;
import dev.natagent.agent.protocol.ClusterView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a cluster and its poll record into what the admin socket returns: its view and its address map. */
public final class ClusterViews {
    private ClusterViews() {}

    public static ClusterView view(Cluster cluster, PollRecord poll) {
        ClusterSpec spec = cluster.spec();
        List<ClusterView.Node> nodes = cluster.nodes().stream()
                .map(n -> new ClusterView.Node(
                        n.id(),
                        n.host(),
                        n.address().toString(),
                        n.port(),
                        n.role().toString(),
                        n.listenPort(),
                        n.vanished() ? null : Cluster.forwardName(cluster.name(), n.listenPort()),
                        n.vanished() ? Instant.ofEpochSecond(n.vanishedAt()).toString() : null))
                .toList();
        return new ClusterView(
                spec.name(),
                spec.engine().toString(),
                spec.endpoint().toString(),
                spec.listen().toString(),
                spec.allow().stream().map(Cidr::toString).toList(),
                spec.snat().toString(),
                spec.tls(),
                spec.caFile(),
                spec.authFile(),
                spec.publicAddress() == null ? null : spec.publicAddress().toString(),
                spec.pollIntervalSeconds(),
                spec.graceSeconds(),
                spec.configPort(),
                cluster.version(),
                nodes,
                new ClusterView.Poll(
                        poll.state(),
                        poll.polls(),
                        poll.failures(),
                        poll.topologyChanges(),
                        poll.lastAttempt().map(Instant::toString).orElse(null),
                        poll.lastGood().map(Instant::toString).orElse(null),
                        poll.error().orElse(null),
                        poll.errorKind().orElse(null)));
    }

    /**
     * Each present node's advertised {@code ip:port} (and {@code hostname:port} when it has a
     * name) to the public address and its listen port, in listen port order.
     */
    public static ClusterMap map(Cluster cluster, Settings settings) {
        Ipv4 publicAddress = cluster.spec()
                .publicAddress(settings)
                .orElseThrow(() -> new AdminException(
                        ErrorCode.VALIDATION,
                        "cluster '" + cluster.name() + "' has no public address, so there is nothing clients could"
                                + " dial: the agent cannot see an Elastic IP; set the address clients reach this"
                                + " instance at (natctl cluster add ... --public-address IP, or settings"
                                + " public_address)",
                        "public_address"));
        String host = publicAddress.toString();
        Map<String, ClusterMap.Dial> map = new LinkedHashMap<>();
        for (ClusterNode node : cluster.nodes()) {
            if (node.vanished()) {
                continue;
            }
            ClusterMap.Dial dial = new ClusterMap.Dial(host, node.listenPort());
            map.put(node.address() + ":" + node.port(), dial);
            if (node.host() != null) {
                map.put(node.host() + ":" + node.port(), dial);
            }
        }
        return new ClusterMap(cluster.name(), host, map);
    }
}
