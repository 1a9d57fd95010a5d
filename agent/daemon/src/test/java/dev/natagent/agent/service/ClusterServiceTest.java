package dev.natagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.api.AdminException;
import dev.natagent.agent.cluster.ClusterPoller;
import dev.natagent.agent.cluster.DiscoveryException;
import dev.natagent.agent.cluster.PollRecord;
import dev.natagent.agent.cluster.Topology;
import dev.natagent.agent.cluster.TopologyNode;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ForwardEdit;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.Role;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.ClusterMap;
import dev.natagent.agent.protocol.Finding;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.FakeKernel;
import dev.natagent.agent.reconcile.Reconciler;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clusters through the service with a scripted discovery: a poll's nodes become forwards in one
 * kernel change and on disk, a failed poll changes nothing and is reported, a range too small is
 * refused as a whole, node forwards cannot be edited by hand, and an apply keeps the polled nodes.
 */
class ClusterServiceTest {
    @TempDir
    Path dir;

    private ServiceFixture agent;
    private ClusterPoller poller;
    private final AtomicReference<Object> answer = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        agent = ServiceFixture.fresh(dir);
        poller = new ClusterPoller(
                agent.service::state,
                agent.service,
                Map.of(ClusterEngine.REDIS, spec -> {
                    Object next = answer.get();
                    if (next instanceof DiscoveryException e) {
                        throw e;
                    }
                    return (Topology) next;
                }),
                agent.views.clusterPolls(),
                Clock.systemUTC());
        agent.service.attach(poller);
    }

    @AfterEach
    void stop() throws Exception {
        poller.close();
        agent.close();
    }

    static ClusterSpec spec(String listen) {
        return ModelJson.read(
                "{\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"10.0.1.10:6379\",\"listen\":\"" + listen
                        + "\",\"allow\":[\"198.51.100.27/32\"],\"public_address\":\"203.0.113.73\"}",
                ClusterSpec.class);
    }

    static Topology nodes(int count) {
        List<TopologyNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(new TopologyNode(
                    "id" + i, "node-" + i + ".orders.test", Ipv4.parse("10.0.1." + (30 + i)), 6379, Role.PRIMARY));
        }
        return new Topology(0, nodes);
    }

    private String kernelFor(NatState state) throws Exception {
        FakeKernel reference = new FakeKernel();
        new Reconciler(reference).reconcileFull(Desired.of(state));
        return reference.dump(ServiceFixture.TABLE);
    }

    @Test
    void aPollsNodesBecomeForwardsInTheKernelAndOnDiskInOneChange() throws Exception {
        answer.set(nodes(3));
        agent.service.addCluster(spec("7000-7009"));
        int commits = agent.kernel.commits();
        assertEquals("ok", poller.pollNow("orders").state());
        assertEquals(commits + 1, agent.kernel.commits(), "one kernel batch for the whole topology");
        NatState state = agent.state();
        assertEquals(
                List.of("orders.7000", "orders.7001", "orders.7002"),
                List.copyOf(state.forwards().keySet()));
        assertEquals(kernelFor(state), agent.kernelDump());
        assertEquals(state, agent.reloadFromDisk());

        ClusterMap map = agent.service.clusterMap("orders");
        assertEquals(new ClusterMap.Dial("203.0.113.73", 7001), map.map().get("10.0.1.31:6379"));
        assertEquals(new ClusterMap.Dial("203.0.113.73", 7001), map.map().get("node-1.orders.test:6379"));
        assertEquals("orders", agent.service.listForwards().get(0).cluster());
        assertEquals(1, poller.polls().of("orders").topologyChanges());

        // The same topology again changes nothing at all.
        assertEquals("ok", poller.pollNow("orders").state());
        assertEquals(commits + 1, agent.kernel.commits());
    }

    @Test
    void aFailedPollKeepsTheLastGoodTopologyAndIsReported() throws Exception {
        answer.set(nodes(2));
        agent.service.addCluster(spec("7000-7009"));
        poller.pollNow("orders");
        NatState good = agent.state();
        int commits = agent.kernel.commits();
        answer.set(new DiscoveryException(DiscoveryException.Kind.UNREACHABLE, "cannot connect to 10.0.1.10:6379"));
        PollRecord failed = poller.pollNow("orders");
        assertEquals("failing", failed.state());
        assertEquals(good, agent.state());
        assertEquals(commits, agent.kernel.commits());
        AdminException refresh = assertThrows(AdminException.class, () -> agent.service.refreshCluster("orders"));
        assertEquals(ErrorCode.DISCOVERY_FAILED, refresh.code());
        Finding finding = agent.service.doctor().findings().stream()
                .filter(f -> f.check().equals(ClusterFindings.ENDPOINT))
                .findFirst()
                .orElseThrow();
        assertEquals(Finding.Severity.WARNING, finding.severity());
        assertTrue(finding.message().contains("last good topology stay"), finding.message());
        assertEquals(1, agent.service.status().failingClusters());
        assertEquals(1, agent.views.clusterStats(agent.state()).get("orders").pollFailures());
    }

    @Test
    void aRangeTooSmallForTheNodesIsRefusedAsAWhole() throws Exception {
        answer.set(nodes(3));
        agent.service.addCluster(spec("7000-7001"));
        PollRecord full = poller.pollNow("orders");
        assertEquals(PollRecord.RANGE_FULL, full.errorKind().orElseThrow());
        assertEquals(0, agent.state().forwards().size(), "never a partial map");
        Finding finding = agent.service.doctor().findings().stream()
                .filter(f -> f.check().equals(ClusterFindings.RANGE))
                .findFirst()
                .orElseThrow();
        assertEquals(Finding.Severity.ERROR, finding.severity());
    }

    @Test
    void nodeForwardsAndTheRangeAreTheClustersOwn() throws Exception {
        answer.set(nodes(2));
        agent.service.addCluster(spec("7000-7009"));
        poller.pollNow("orders");
        ValidationException edit = assertThrows(
                ValidationException.class,
                () -> agent.service.setForward(
                        "orders.7000", new ForwardEdit(null, null, null, List.of(), null), false));
        assertEquals(
                dev.natagent.agent.model.ErrorCode.OWNED_BY_CLUSTER,
                edit.first().code());
        assertThrows(ValidationException.class, () -> agent.service.removeForward("orders.7001"));
        ValidationException inRange = assertThrows(
                ValidationException.class,
                () -> agent.service.addForward(
                        Forward.single("web", Protocol.TCP, 7005, Target.parse("10.0.2.1:80")), false));
        assertEquals(
                dev.natagent.agent.model.ErrorCode.PORT_IN_USE, inRange.first().code());
        assertThrows(
                ValidationException.class,
                () -> agent.service.addForward(
                        Forward.single("orders.8000", Protocol.TCP, 8000, Target.parse("10.0.2.1:80")), false));
    }

    @Test
    void anApplyOfTheExportKeepsThePolledNodesAndOneWithoutThemToo() throws Exception {
        answer.set(nodes(2));
        agent.service.addCluster(spec("7000-7009"));
        poller.pollNow("orders");
        NatState polled = agent.state();
        String export = agent.service
                .export(dev.natagent.agent.protocol.ExportFormat.JSON)
                .content();
        assertTrue(!export.contains("orders.7000"), export);
        assertTrue(!agent.service
                .apply(ModelJson.read(export, NatState.class), false)
                .applied());
        String withoutNodes = export.replaceAll(",\"nodes\":\\[.*?\\]\\}", "}");
        assertTrue(!withoutNodes.contains("listen_port"), withoutNodes);
        assertTrue(!agent.service
                .apply(ModelJson.read(withoutNodes, NatState.class), false)
                .applied());
        assertEquals(polled, agent.state());

        // A narrower range keeps the nodes whose ports it still holds.
        String narrower = withoutNodes.replace("7000-7009", "7001-7009");
        agent.service.apply(ModelJson.read(narrower, NatState.class), false);
        assertEquals(
                List.of("orders.7001"), List.copyOf(agent.state().forwards().keySet()));
        assertEquals(
                PortRange.parse("7001-7009"),
                agent.state().cluster("orders").orElseThrow().spec().listen());
    }

    @Test
    void removingTheClusterRemovesItsForwardsInOneChange() throws Exception {
        answer.set(nodes(3));
        agent.service.addCluster(spec("7000-7009"));
        poller.pollNow("orders");
        int commits = agent.kernel.commits();
        agent.service.removeCluster("orders");
        assertEquals(commits + 1, agent.kernel.commits());
        assertEquals(NatState.empty(), agent.state());
        assertEquals(kernelFor(NatState.empty()), agent.kernelDump());
    }
}
