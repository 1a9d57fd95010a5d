package dev.natagent.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.nft.Batch;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.client.NftClient;
import dev.natagent.nft.expr.Counter;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The reconciler against the real kernel, each test in a network namespace of its own. */
@Tag(KernelTests.TAG)
class ReconcilerKernelTest {
    private Netns netns;
    private NftClient client;
    private ClientNftPort port;
    private Reconciler reconciler;

    @BeforeEach
    void openNamespace() throws Exception {
        KernelTests.requireKernel();
        netns = Netns.create();
        client = netns.call(NftClient::openIpv4);
        port = new ClientNftPort(client);
        reconciler = new Reconciler(port);
    }

    @AfterEach
    void closeNamespace() throws IOException {
        if (client != null) {
            client.close();
        }
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void nftListsTheTableExactlyAsDocumented() throws Exception {
        reconciler.reconcileFull(Desired.of(ElastiCacheGuide.aws()));

        assertEquals(RendererTest.fixture("kernel-aws-masquerade.nft"), nftList());
    }

    @Test
    void snatVariantListsAsDocumented() throws Exception {
        reconciler.reconcileFull(Desired.of(ElastiCacheGuide.awsSnat()));

        assertEquals(RendererTest.fixture("kernel-aws-snat.nft"), nftList());
    }

    @Test
    void outboundInterfacesMayBeWildcardsAndSourcesAreMerged() throws Exception {
        Outbound outbound = new Outbound(
                "private",
                List.of(Cidr.parse("10.0.0.0/24"), Cidr.parse("10.0.1.0/24"), Cidr.parse("192.168.7.7")),
                "ens*");

        reconciler.reconcileFull(Desired.of(NatState.empty().withOutbound(outbound)));

        String listed = nftList();
        assertTrue(
                listed.contains(
                        "ip saddr 10.0.0.0/23 oifname \"ens*\" masquerade comment \"nat-agent:outbound:private\""),
                listed);
        assertTrue(listed.contains("ip saddr 192.168.7.7 oifname \"ens*\" masquerade"), listed);
        assertTrue(new Reconciler(port)
                .reconcileFull(Desired.of(NatState.empty().withOutbound(outbound)))
                .isEmpty());
    }

    @Test
    void aSecondReconcileAdoptsTheTableWithoutTouchingIt() throws Exception {
        reconciler.reconcileFull(Desired.of(ElastiCacheGuide.aws()));
        List<Long> handles = ruleHandles();
        int generation = port.generation();

        Reconciler restarted = new Reconciler(port);
        Plan plan = restarted.reconcileFull(Desired.of(ElastiCacheGuide.aws()));

        assertTrue(plan.isEmpty(), plan.steps().toString());
        assertEquals(handles, ruleHandles());
        assertEquals(generation, port.generation(), "no transaction at all");
    }

    /**
     * The table an agent of the previous layout left (counters on the DNAT map, target-keyed return
     * path, allow-list before DNAT), as nft lists it: replaced in one transaction, which leaves no
     * trace of the old objects, and then adopted untouched.
     */
    @Test
    void aTableOfThePreviousLayoutIsReplacedInOneTransaction() throws Exception {
        java.nio.file.Path previous = java.nio.file.Files.createTempFile("previous-layout", ".nft");
        try {
            java.nio.file.Files.writeString(previous, RendererTest.fixture("previous-layout-aws.nft"));
            netns.execOk("nft", "-f", previous.toString());
        } finally {
            java.nio.file.Files.delete(previous);
        }
        int generation = port.generation();

        Plan plan = reconciler.reconcileFull(Desired.of(ElastiCacheGuide.aws()));

        assertEquals(List.of("recreate table ip nat_agent (a chain or set of ours has the wrong shape)"), plan.steps());
        assertEquals(generation + 1, port.generation(), "one transaction");
        assertEquals(RendererTest.fixture("kernel-aws-masquerade.nft"), nftList());
        assertTrue(new Reconciler(port)
                .reconcileFull(Desired.of(ElastiCacheGuide.aws()))
                .isEmpty());
    }

    /**
     * The table of the agent before allow-list groups (one pipapo set for every allow-list) becomes
     * the current layout in one transaction, in place: its allow-list objects go, the groups come,
     * and only the ports entries of allow-listed forwards are replaced (redis's three), so the
     * counters of the others carry on.
     */
    @Test
    void theTableOfTheAgentBeforeAllowListGroupsIsUpgradedInPlace() throws Exception {
        Desired aws = Desired.of(ElastiCacheGuide.aws());
        port.commit(OlderTables.withOneAllowedSet(aws));
        assertTrue(nftList().contains("ct original proto-dst != @allowed drop"), nftList());
        int generation = port.generation();

        Plan plan = reconciler.reconcileFull(aws);

        String group = AllowGroup.of(aws.state().forward("redis").orElseThrow().allow())
                .name();
        // Steps are listed as planned, not in batch order; the rules of a foreign chain go with it.
        assertEquals(
                Set.of(
                        "delete 3 element(s) of ports",
                        "delete foreign chain allowlist",
                        "delete foreign set allowed",
                        "add set " + group,
                        "add chain " + group,
                        "add 3 element(s) to ports",
                        "add 2 element(s) to " + group,
                        "add rule " + group + " (nat-agent:allow)"),
                Set.copyOf(plan.steps()));
        assertEquals(generation + 1, port.generation(), "one transaction");
        assertEquals(RendererTest.fixture("kernel-aws-masquerade.nft"), nftList());
        assertTrue(new Reconciler(port).reconcileFull(aws).isEmpty());
    }

    /**
     * The kernel's ruleset generation moves with every transaction of any process and any table:
     * the periodic check skips the listing only while it stands still. The table the reconciler
     * creates is known without a listing (what a cold start does, e.g. at every boot).
     */
    @Test
    void thePeriodicCheckListsOnlyAfterTheRulesetGenerationMoved() throws Exception {
        reconciler.reconcileFull(Desired.of(ElastiCacheGuide.aws()));

        assertTrue(
                reconciler.reconcileCurrentIfChanged().isEmpty(),
                "the table we created, bound to the generation read before, needs no listing");
        Desired fewer = Desired.of(ElastiCacheGuide.aws().withoutForward("memcached"));
        reconciler.applyChange(Desired.of(ElastiCacheGuide.aws()), fewer);
        reconciler.applyChange(fewer, Desired.of(ElastiCacheGuide.aws()));
        assertTrue(
                reconciler.reconcileCurrentIfChanged().isEmpty(),
                "each of our commits moved the generation by exactly one: still verified");

        netns.execOk("nft", "add", "table", "ip", "someone_else");
        Plan unrelated = reconciler.reconcileCurrentIfChanged().orElseThrow();
        assertTrue(unrelated.isEmpty(), unrelated.steps().toString());
        assertTrue(reconciler.reconcileCurrentIfChanged().isEmpty());

        netns.execOk("nft", "delete", "element", "ip", "nat_agent", "forwards", "{ tcp . 6380 }");
        Plan repair = reconciler.reconcileCurrentIfChanged().orElseThrow();
        assertEquals(List.of("add 1 element(s) to forwards"), repair.steps());
        assertEquals(RendererTest.fixture("kernel-aws-masquerade.nft"), nftList());
    }

    @Test
    void elementChangesAreAppliedWithoutTouchingRules() throws Exception {
        Desired before = Desired.of(ElastiCacheGuide.aws());
        reconciler.reconcileFull(before);
        List<Long> handles = ruleHandles();
        Forward redis = ElastiCacheGuide.aws().forward("redis").orElseThrow();
        Forward moved = redis.withTargets(List.of(
                Target.parse("10.0.1.230:6379"), Target.parse("10.0.1.233:6379"), Target.parse("10.0.1.232:6379")));
        Desired after = Desired.of(ElastiCacheGuide.aws().withForward(moved).withoutForward("memcached"));

        reconciler.applyChange(before, after);

        assertEquals(handles, ruleHandles());
        String listed = nftList();
        assertTrue(listed.contains("tcp . 6380 : 10.0.1.233 . 6379"), listed);
        assertTrue(!listed.contains("11211"), listed);
        assertTrue(reconciler.reconcileFull(after).isEmpty(), "the incremental change left exactly the state");
    }

    /**
     * An allow-list's chain and set exist exactly while some forward uses the list: created in the
     * batch of its first forward, shared, kept while one forward still uses it, deleted in the batch
     * of its last. Each step is an element change (no listing), and leaves what a full reconcile
     * would: the next full reconcile has nothing to do.
     */
    @Test
    void allowListsComeAndGoWithTheForwardsThatUseThem() throws Exception {
        List<Cidr> office = List.of(Cidr.parse("198.51.100.0/24"));
        List<Cidr> vpn = List.of(Cidr.parse("203.0.113.7/32"), Cidr.parse("203.0.113.8/32"));
        String officeGroup = AllowGroup.of(office).name();
        String vpnGroup = AllowGroup.of(vpn).name();
        Desired none = Desired.of(NatState.empty());
        reconciler.reconcileFull(none);

        Desired a = withForward(none, allowed("a", 7001, office));
        Plan first = reconciler.applyForwards(none, a, Set.of("a"));
        assertTrue(
                first.steps().contains("add allow-list " + officeGroup),
                first.steps().toString());
        assertTrue(nftList().contains("ip saddr != @" + officeGroup + " drop"), nftList());

        Desired ab = withForward(a, allowed("b", 7002, office));
        Plan shared = reconciler.applyForwards(a, ab, Set.of("b"));
        assertTrue(
                shared.steps().stream().noneMatch(step -> step.contains("allow-list")),
                shared.steps().toString());

        Desired moved = withForward(ab, allowed("a", 7001, vpn));
        Plan move = reconciler.applyForwards(ab, moved, Set.of("a"));
        assertTrue(
                move.steps().contains("add allow-list " + vpnGroup),
                move.steps().toString());
        String listed = nftList();
        assertTrue(listed.contains("set " + officeGroup) && listed.contains("set " + vpnGroup), listed);
        assertTrue(listed.contains("elements = { 203.0.113.7-203.0.113.8 }"), listed);

        Desired onlyA = Desired.of(moved.state().withoutForward("b"));
        Plan last = reconciler.applyForwards(moved, onlyA, Set.of("b"));
        assertTrue(
                last.steps().contains("delete allow-list " + officeGroup),
                last.steps().toString());
        assertTrue(!nftList().contains(officeGroup), nftList());
        assertTrue(reconciler.reconcileFull(onlyA).isEmpty(), "the element changes left exactly the state");

        reconciler.applyForwards(onlyA, none, Set.of("a"));
        assertTrue(!nftList().contains(KernelLayout.ALLOW_PREFIX), nftList());
        assertTrue(reconciler.reconcileFull(none).isEmpty());
    }

    /**
     * Lists that reach either end of the address space: a range to 255.255.255.255 has no interval
     * end, and 0.0.0.0/0 is a lone start. The kernel matches them as meant (nft looks addresses up
     * in the set), and the listing reads back as rendered.
     */
    @Test
    void allowListsReachingEitherEndOfTheAddressSpaceMatchAsMeant() throws Exception {
        List<Cidr> everyone = List.of(Cidr.parse("0.0.0.0/0"));
        List<Cidr> ends = List.of(Cidr.parse("255.255.255.255/32"), Cidr.parse("0.0.0.0/32"));
        Desired desired = Desired.of(NatState.empty()
                .withForward(allowed("everyone", 7001, everyone))
                .withForward(allowed("ends", 7002, ends)));

        reconciler.reconcileFull(desired);

        String all = AllowGroup.of(everyone).name();
        String edges = AllowGroup.of(ends).name();
        for (String address : List.of("0.0.0.0", "1.2.3.4", "255.255.255.254", "255.255.255.255")) {
            assertTrue(admits(all, address), address);
        }
        assertTrue(admits(edges, "0.0.0.0"));
        assertTrue(admits(edges, "255.255.255.255"));
        assertTrue(!admits(edges, "1.2.3.4"));
        assertTrue(!admits(edges, "255.255.255.254"));
        assertTrue(reconciler.reconcileFull(desired).isEmpty(), "the sets read back as rendered");
    }

    private boolean admits(String set, String address) throws Exception {
        return netns.exec("nft", "get", "element", "ip", "nat_agent", set, "{ " + address + " }")
                        .exitCode()
                == 0;
    }

    private static Desired withForward(Desired desired, Forward forward) {
        return Desired.of(desired.state().withForward(forward));
    }

    private static Forward allowed(String name, int port, List<Cidr> allow) {
        return new Forward(
                name,
                Protocol.TCP,
                PortRange.single(port),
                List.of(Target.parse("10.0.1.5:80")),
                allow,
                ReturnPath.MASQUERADE);
    }

    @Test
    void aRefusedBatchLeavesTheKernelUnchanged() throws Exception {
        reconciler.reconcileFull(Desired.of(ElastiCacheGuide.aws()));
        String before = nftList();
        Batch bad = Batch.ipv4()
                .add(SetElements.of(
                        KernelLayout.TABLE,
                        KernelLayout.SET_PLAIN_PORTS,
                        List.of(SetElement.key(KernelLayout.protoPort(Protocol.TCP, 7000)))))
                .delete(SetElements.of(
                        KernelLayout.TABLE,
                        KernelLayout.SET_PLAIN_PORTS,
                        List.of(SetElement.key(KernelLayout.protoPort(Protocol.TCP, 7001)))));

        assertThrows(dev.natagent.nl.NetlinkException.class, () -> port.commit(bad));

        assertEquals(before, nftList());
    }

    @Test
    void driftIsRepairedElementByElementAndOtherTablesAreLeftAlone() throws Exception {
        netns.execOk("nft", "add table ip other; add chain ip other c; add rule ip other c tcp dport 1 accept");
        String other = netns.execOk("nft", "list", "table", "ip", "other");
        Desired desired = Desired.of(ElastiCacheGuide.aws());
        reconciler.reconcileFull(desired);
        String expected = nftList();
        netns.execOk("nft", "delete element ip nat_agent forwards { tcp . 6380 }");
        netns.execOk("nft", "add rule ip nat_agent prerouting tcp dport 22 accept");

        Plan plan = reconciler.reconcileFull(desired);

        assertEquals(
                List.of(
                        "delete rule prerouting handle " + foreignHandle(plan) + " (foreign)",
                        "add 1 element(s) to forwards"),
                plan.steps());
        assertEquals(expected, nftList());
        assertEquals(other, netns.execOk("nft", "list", "table", "ip", "other"));
    }

    /** A catch-all element, which we never write: counters stay readable, and the next check removes it. */
    @Test
    void aForeignCatchAllElementLeavesCountersReadableAndIsRemovedAsDrift() throws Exception {
        Desired desired = Desired.of(ElastiCacheGuide.aws());
        reconciler.reconcileFull(desired);
        String expected = nftList();
        netns.execOk("nft", "add element ip nat_agent ports { * : drop }");

        for (Forward forward : desired.state().forwards().values()) {
            assertEquals(Counter.zero(), reconciler.forwardCounters().of(forward), forward.name());
        }
        Plan plan = reconciler.reconcileCurrentIfChanged().orElseThrow();

        assertEquals(List.of("delete 1 element(s) of ports"), plan.steps());
        assertEquals(expected, nftList());
    }

    @Test
    void aDeletedTableIsCreatedAgain() throws Exception {
        Desired desired = Desired.of(ElastiCacheGuide.aws());
        reconciler.reconcileFull(desired);
        String expected = nftList();
        netns.execOk("nft", "delete", "table", "ip", "nat_agent");

        reconciler.reconcileFull(desired);

        assertEquals(expected, nftList());
    }

    @Test
    void fiftyThousandForwardsGoInOneBatchAreAdoptedAndChangeOneElementAtATime() throws Exception {
        List<Forward> forwards = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            forwards.add(Forward.single(
                    "f" + i,
                    Protocol.TCP,
                    10_000 + i,
                    Target.parse("10.0." + (1 + i / 250) + "." + (1 + i % 250) + ":6379")));
        }
        Desired desired = Desired.of(NatState.of(Settings.DEFAULTS, forwards, List.of()));

        long start = System.nanoTime();
        reconciler.reconcileFull(desired);
        long applied = System.nanoTime();
        Plan again = new Reconciler(port).reconcileFull(desired);
        long adopted = System.nanoTime();
        assertTrue(again.isEmpty(), again.steps().toString());

        Forward extra = Forward.single("extra", Protocol.UDP, 5353, Target.parse("10.0.1.53:53"));
        Desired with = new Desired(desired.state().withForward(extra), Map.of());
        List<Long> micros = new ArrayList<>();
        Reconciler incremental = new Reconciler(port);
        incremental.reconcileFull(desired);
        for (int i = 0; i < 50; i++) {
            long t0 = System.nanoTime();
            incremental.applyForwards(desired, with, Set.of("extra"));
            incremental.applyForwards(with, desired, Set.of("extra"));
            micros.add((System.nanoTime() - t0) / 2_000);
        }
        Collections.sort(micros);
        assertTrue(incremental.reconcileFull(desired).isEmpty());
        System.out.printf(
                "50k forwards: cold apply %d ms, adopt (list + compare) %d ms, one forward added or removed: median %d us%n",
                (applied - start) / 1_000_000, (adopted - applied) / 1_000_000, micros.get(micros.size() / 2));
    }

    private long foreignHandle(Plan plan) {
        String step = plan.steps().get(0);
        return Long.parseLong(step.replaceAll(".*handle (\\d+).*", "$1"));
    }

    private List<Long> ruleHandles() throws IOException {
        return port.list(KernelLayout.TABLE).table().orElseThrow().rules().stream()
                .map(Rule::handle)
                .toList();
    }

    private String nftList() throws IOException {
        return netns.execOk("nft", "list", "table", "ip", "nat_agent");
    }
}
