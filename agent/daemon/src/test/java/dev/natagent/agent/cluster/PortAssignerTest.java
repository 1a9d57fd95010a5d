package dev.natagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.ClusterNode;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Role;
import dev.natagent.agent.model.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PortAssignerTest {
    private static final int GRACE = 300;

    static ClusterSpec spec(String listen) {
        return new ClusterSpec(
                "orders",
                ClusterEngine.REDIS,
                Target.parse("10.0.1.10:6379"),
                PortRange.parse(listen),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                GRACE,
                null);
    }

    static TopologyNode node(String id, String address, Role role) {
        return new TopologyNode(id, null, Ipv4.parse(address), 6379, role);
    }

    static Topology topology(TopologyNode... nodes) {
        return new Topology(0, List.of(nodes));
    }

    static Map<String, Integer> ports(Cluster cluster) {
        Map<String, Integer> ports = new TreeMap<>();
        cluster.nodes().stream().filter(n -> !n.vanished()).forEach(n -> ports.put(n.id(), n.listenPort()));
        return ports;
    }

    @Test
    void newNodesTakeTheLowestFreePortsInAddressOrder() throws Exception {
        Cluster first = PortAssigner.assign(
                Cluster.of(spec("7000-7009")),
                topology(
                        node("c", "10.0.1.232", Role.PRIMARY),
                        node("a", "10.0.1.230", Role.PRIMARY),
                        node("b", "10.0.1.231", Role.REPLICA)),
                1000);
        assertEquals(Map.of("a", 7000, "b", 7001, "c", 7002), ports(first));
        assertEquals(3, first.forwards().size());
        assertEquals("orders.7001", first.forwards().get(1).name());
        assertEquals(
                Target.parse("10.0.1.231:6379"),
                first.forwards().get(1).targets().get(0));
    }

    @Test
    void aFailoverKeepsEveryPortAndFollowsTheNewAddressAndRole() throws Exception {
        Cluster first = PortAssigner.assign(
                Cluster.of(spec("7000-7009")),
                topology(node("a", "10.0.1.230", Role.PRIMARY), node("b", "10.0.1.231", Role.REPLICA)),
                1000);
        Cluster after = PortAssigner.assign(
                first, topology(node("b", "10.0.1.231", Role.PRIMARY), node("a", "10.0.1.240", Role.REPLICA)), 1010);
        assertEquals(ports(first), ports(after));
        ClusterNode a = after.nodes().get(0);
        assertEquals(Ipv4.parse("10.0.1.240"), a.address());
        assertEquals(Role.REPLICA, a.role());
        assertEquals(Role.PRIMARY, after.nodes().get(1).role());
    }

    @Test
    void theSameTopologyAgainChangesNothing() throws Exception {
        Topology topology = topology(node("a", "10.0.1.230", Role.PRIMARY), node("b", "10.0.1.231", Role.REPLICA));
        Cluster first = PortAssigner.assign(Cluster.of(spec("7000-7009")), topology, 1000);
        assertEquals(first, PortAssigner.assign(first, topology, 2000));
    }

    @Test
    void aVanishedNodeLosesItsForwardAtOnceButKeepsItsPortForTheGracePeriod() throws Exception {
        Cluster first = PortAssigner.assign(
                Cluster.of(spec("7000-7009")),
                topology(node("a", "10.0.1.230", Role.PRIMARY), node("b", "10.0.1.231", Role.PRIMARY)),
                1000);
        Cluster without = PortAssigner.assign(first, topology(node("b", "10.0.1.231", Role.PRIMARY)), 1010);
        assertEquals(Map.of("b", 7001), ports(without));
        assertEquals(
                List.of("orders.7001"),
                without.forwards().stream().map(f -> f.name()).toList());
        // A new node meanwhile does not take the missing node's port ...
        Cluster withNew = PortAssigner.assign(
                without, topology(node("b", "10.0.1.231", Role.PRIMARY), node("c", "10.0.1.232", Role.PRIMARY)), 1020);
        assertEquals(Map.of("b", 7001, "c", 7002), ports(withNew));
        // ... and the missing node comes back to its own port within the grace period.
        Cluster back = PortAssigner.assign(
                withNew,
                topology(
                        node("a", "10.0.1.230", Role.PRIMARY),
                        node("b", "10.0.1.231", Role.PRIMARY),
                        node("c", "10.0.1.232", Role.PRIMARY)),
                1000 + GRACE);
        assertEquals(Map.of("a", 7000, "b", 7001, "c", 7002), ports(back));
    }

    @Test
    void afterTheGracePeriodTheVanishedNodesPortIsFree() throws Exception {
        Cluster first = PortAssigner.assign(
                Cluster.of(spec("7000-7009")),
                topology(node("a", "10.0.1.230", Role.PRIMARY), node("b", "10.0.1.231", Role.PRIMARY)),
                1000);
        Cluster without = PortAssigner.assign(first, topology(node("b", "10.0.1.231", Role.PRIMARY)), 1010);
        Cluster later = PortAssigner.assign(without, topology(node("b", "10.0.1.231", Role.PRIMARY)), 1010 + GRACE);
        assertEquals(1, later.nodes().size());
        Cluster withNew = PortAssigner.assign(
                later, topology(node("b", "10.0.1.231", Role.PRIMARY), node("d", "10.0.1.233", Role.PRIMARY)), 1400);
        assertEquals(Map.of("b", 7001, "d", 7000), ports(withNew));
    }

    @Test
    void aNewNodeTakesTheLongestMissingNodesPortOnlyWhenNoOtherIsFree() throws Exception {
        Cluster first = PortAssigner.assign(
                Cluster.of(spec("7000-7002")),
                topology(
                        node("a", "10.0.1.230", Role.PRIMARY),
                        node("b", "10.0.1.231", Role.PRIMARY),
                        node("c", "10.0.1.232", Role.PRIMARY)),
                1000);
        Cluster noA = PortAssigner.assign(
                first, topology(node("b", "10.0.1.231", Role.PRIMARY), node("c", "10.0.1.232", Role.PRIMARY)), 1010);
        Cluster noAb = PortAssigner.assign(noA, topology(node("c", "10.0.1.232", Role.PRIMARY)), 1020);
        Cluster replaced = PortAssigner.assign(
                noAb, topology(node("c", "10.0.1.232", Role.PRIMARY), node("e", "10.0.1.234", Role.PRIMARY)), 1030);
        assertEquals(Map.of("c", 7002, "e", 7000), ports(replaced));
        assertTrue(replaced.nodes().stream().anyMatch(n -> n.id().equals("b") && n.vanished()));
    }

    @Test
    void moreNodesThanPortsIsRefusedAsAWhole() throws Exception {
        Cluster first = PortAssigner.assign(
                Cluster.of(spec("7000-7001")),
                topology(node("a", "10.0.1.230", Role.PRIMARY), node("b", "10.0.1.231", Role.PRIMARY)),
                1000);
        PortAssigner.RangeFullException e = assertThrows(
                PortAssigner.RangeFullException.class,
                () -> PortAssigner.assign(
                        first,
                        topology(
                                node("a", "10.0.1.230", Role.PRIMARY),
                                node("b", "10.0.1.231", Role.PRIMARY),
                                node("c", "10.0.1.232", Role.PRIMARY)),
                        1010));
        assertTrue(e.getMessage().contains("3 nodes but listen 7000-7001 has 2"), e.getMessage());
    }

    @Test
    void manyRandomTopologiesNeverMoveAPresentNode() throws Exception {
        java.util.Random random = new java.util.Random(19);
        Cluster cluster = Cluster.of(spec("7000-7015"));
        long now = 0;
        for (int round = 0; round < 2_000; round++) {
            List<TopologyNode> nodes = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                if (random.nextInt(4) != 0) {
                    nodes.add(node("n" + i, "10.0.2." + (i + 1), random.nextBoolean() ? Role.PRIMARY : Role.REPLICA));
                }
            }
            now += random.nextInt(120);
            Cluster next = PortAssigner.assign(cluster, new Topology(0, nodes), now);
            Map<String, Integer> before = ports(cluster);
            for (Map.Entry<String, Integer> entry : ports(next).entrySet()) {
                Integer was = before.get(entry.getKey());
                if (was != null) {
                    assertEquals(was, entry.getValue(), "node " + entry.getKey() + " moved");
                }
            }
            assertEquals(nodes.size(), next.forwards().size());
            cluster = next;
        }
    }
}
