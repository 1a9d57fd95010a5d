package dev.natagent.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.nft.Batch;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftData;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nft.expr.Immediate;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Payload;
import dev.natagent.nl.NetlinkException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reconciler against the in-memory kernel; states compared as text. */
class ReconcilerTest {
    private final FakeKernel kernel = new FakeKernel();
    private final Reconciler reconciler = new Reconciler(kernel);
    private final Desired aws = Desired.of(ElastiCacheGuide.aws());

    @Test
    void anEmptyKernelGetsTheWholeTableInOneBatch() throws IOException {
        reconciler.reconcileFull(aws);

        assertEquals(1, kernel.commits());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void aMatchingTableIsAdoptedWithoutAnyChange() throws IOException {
        reconciler.reconcileFull(aws);
        List<Long> handles = kernel.ruleHandles(KernelLayout.TABLE, KernelLayout.CHAIN_POSTROUTING);

        Plan plan = new Reconciler(kernel).reconcileFull(aws);

        assertTrue(plan.isEmpty(), plan.steps().toString());
        assertEquals(1, kernel.commits());
        assertEquals(handles, kernel.ruleHandles(KernelLayout.TABLE, KernelLayout.CHAIN_POSTROUTING));
    }

    @Test
    void aRetargetedForwardIsOneDeleteAndOneAddOfItsElement() throws IOException {
        reconciler.reconcileFull(aws);
        Desired moved = Desired.of(ElastiCacheGuide.aws()
                .withForward(ElastiCacheGuide.redis(ReturnPath.MASQUERADE)
                        .withTargets(List.of(
                                Target.parse("10.0.1.230:6379"),
                                Target.parse("10.0.1.239:6379"),
                                Target.parse("10.0.1.232:6379")))));
        int listings = kernel.listings();

        Plan plan = reconciler.applyChange(aws, moved);

        assertEquals(listings, kernel.listings(), "no kernel listing for an element change");
        assertEquals(
                List.of("delete 1 element(s) of forwards", "add 1 element(s) to forwards"),
                plan.steps(),
                "the ports element (and its counter) stays");
        assertEquals(RendererTest.rendered(moved), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void manyPortsGivenANewAllowListAreReplacedWithTheirCountersReadByOneDump() throws IOException {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            targets.add(Target.parse("10.0." + (i >> 8) + "." + (i & 0xff) + ":80"));
        }
        Forward open = new Forward(
                "wide", Protocol.TCP, new PortRange(20_000, 24_999), targets, List.of(), ReturnPath.MASQUERADE);
        Forward allowed = new Forward(
                "wide",
                Protocol.TCP,
                new PortRange(20_000, 24_999),
                targets,
                List.of(Cidr.parse("192.0.2.0/24")),
                ReturnPath.MASQUERADE);
        Desired before = Desired.of(NatState.empty().withForward(open));
        Desired after = Desired.of(NatState.empty().withForward(allowed));
        reconciler.reconcileFull(before);
        int dumps = kernel.elementListings();

        Plan plan = reconciler.applyChange(before, after);

        assertEquals(dumps + 1, kernel.elementListings(), "one dump of the ports map for all their counters");
        assertTrue(
                plan.steps().contains("delete 5000 element(s) of ports"),
                plan.steps().toString());
        assertEquals(RendererTest.rendered(after), kernel.dump(KernelLayout.TABLE));
        reconciler.applyChange(after, before);
        assertEquals(RendererTest.rendered(before), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void addingAndRemovingForwardsTouchesOnlyTheirElements() throws IOException {
        reconciler.reconcileFull(aws);
        Forward extra = Forward.single("extra", Protocol.UDP, 5353, Target.parse("10.0.1.53:53"));
        Desired added = Desired.of(ElastiCacheGuide.aws().withForward(extra));

        Plan add = reconciler.applyChange(aws, added);
        Plan remove = reconciler.applyChange(added, aws);

        assertEquals(List.of("add 1 element(s) to ports", "add 1 element(s) to forwards"), add.steps());
        assertEquals(List.of("delete 1 element(s) of ports", "delete 1 element(s) of forwards"), remove.steps());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void forwardsToOneTargetComeAndGoIndependently() throws IOException {
        Forward a = Forward.single("a", Protocol.TCP, 7001, Target.parse("10.0.1.5:80"));
        Forward b = Forward.single("b", Protocol.TCP, 7002, Target.parse("10.0.1.5:80"));
        Desired both = Desired.of(NatState.empty().withForward(a).withForward(b));
        Desired onlyB = Desired.of(NatState.empty().withForward(b));
        reconciler.reconcileFull(both);

        reconciler.applyChange(both, onlyB);
        assertEquals(RendererTest.rendered(onlyB), kernel.dump(KernelLayout.TABLE));

        reconciler.applyChange(onlyB, Desired.of(NatState.empty()));
        assertEquals(RendererTest.rendered(Desired.of(NatState.empty())), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void aChangedDnsAddressRetargetsTheForwardsUsingIt() throws IOException {
        Forward node = Forward.single("node", Protocol.TCP, 6379, Target.parse("node-1.cache.example.com:6379"));
        NatState state = NatState.empty().withForward(node);
        Desired first = new Desired(state, Map.of("node-1.cache.example.com", Ipv4.parse("10.0.1.230")));
        Desired second = new Desired(state, Map.of("node-1.cache.example.com", Ipv4.parse("10.0.1.231")));
        reconciler.reconcileFull(first);

        reconciler.applyChange(first, second);

        assertEquals(RendererTest.rendered(second), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void aForeignRuleInOurChainIsRemovedByHandleAndNothingElseChanges() throws IOException {
        reconciler.reconcileFull(aws);
        List<Long> ours = kernel.ruleHandles(KernelLayout.TABLE, KernelLayout.CHAIN_PREROUTING);
        kernel.commit(Batch.ipv4()
                .add(Rule.of(
                        KernelLayout.TABLE,
                        KernelLayout.CHAIN_PREROUTING,
                        List.of(Immediate.verdict(NftData.Verdict.ACCEPT)),
                        Optional.empty())));

        Plan plan = reconciler.reconcileFull(aws);

        assertEquals(1, plan.steps().size(), plan.steps().toString());
        assertTrue(
                plan.steps().get(0).startsWith("delete rule prerouting handle "),
                plan.steps().toString());
        assertEquals(ours, kernel.ruleHandles(KernelLayout.TABLE, KernelLayout.CHAIN_PREROUTING));
    }

    @Test
    void foreignChainsSetsAndTheRulesUsingThemAreRemovedFromOurTable() throws IOException {
        reconciler.reconcileFull(aws);
        NftSet foreignSet = NftSet.set(KernelLayout.TABLE, "blocked", 0, NftSet.TYPE_IPV4_ADDR, 4, 9);
        kernel.commit(Batch.ipv4()
                .add(Chain.regular(KernelLayout.TABLE, "extra"))
                .add(foreignSet)
                .add(Rule.of(
                        KernelLayout.TABLE,
                        KernelLayout.CHAIN_TRAFFIC,
                        List.of(
                                Payload.ipSaddr(1),
                                Lookup.member(1, "blocked"),
                                Immediate.verdict(NftData.Verdict.jump("extra"))),
                        Optional.empty())));

        Plan plan = reconciler.reconcileFull(aws);

        assertEquals(3, plan.steps().size(), plan.steps().toString());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void aChainOfOursWithTheWrongHookMakesTheTableBeRebuiltInOneBatch() throws IOException {
        reconciler.reconcileFull(aws);
        String allowChain = AllowGroup.of(
                        aws.state().forward("redis").orElseThrow().allow())
                .name();
        kernel.commit(Batch.ipv4()
                .delete(SetElements.of(
                        KernelLayout.TABLE,
                        KernelLayout.SET_PORTS,
                        kernel.listElements(KernelLayout.TABLE, KernelLayout.SET_PORTS)))
                .delete(Chain.regular(KernelLayout.TABLE, allowChain))
                .add(Chain.base(KernelLayout.TABLE, allowChain, "filter", Chain.Hook.INPUT, 0)));
        int commits = kernel.commits();

        reconciler.reconcileFull(aws);

        assertEquals(commits + 1, kernel.commits());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1024})
    void aSetWithAnotherSizeThanOursMakesTheTableBeRebuiltInOneBatch(int size) throws IOException {
        kernel.commit(OlderTables.withSetSizes(aws, size == 0 ? OptionalInt.empty() : OptionalInt.of(size)));
        int commits = kernel.commits();

        Plan plan = reconciler.reconcileFull(aws);

        assertEquals(commits + 1, kernel.commits());
        assertTrue(
                plan.steps().get(0).startsWith("recreate table"), plan.steps().toString());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void aSizedSetRefusesElementsBeyondItsSizeLikeTheKernel() throws IOException {
        kernel.commit(OlderTables.withSetSizes(Desired.of(NatState.empty()), OptionalInt.of(4)));

        NetlinkException full = assertThrows(
                NetlinkException.class, () -> kernel.commit(OlderTables.withSetSizes(aws, OptionalInt.of(4))));

        assertEquals(23, full.errno());
    }

    @Test
    void aDeletedTableIsRecreatedWhole() throws IOException {
        reconciler.reconcileFull(aws);
        kernel.commit(Batch.ipv4().delete(dev.natagent.nft.Table.of(KernelLayout.TABLE)));

        reconciler.reconcileFull(aws);

        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void aRefusedBatchChangesNothingAndIsReportedWithItsErrno() throws IOException {
        reconciler.reconcileFull(aws);
        String before = kernel.dump(KernelLayout.TABLE);
        kernel.failNextCommit(1);

        ReconcileException e = assertThrows(
                ReconcileException.class, () -> reconciler.applyChange(aws, Desired.of(ElastiCacheGuide.awsSnat())));

        assertEquals(1, e.netlinkError().orElseThrow().errno());
        assertEquals(before, kernel.dump(KernelLayout.TABLE));
        assertEquals(Optional.of(aws), reconciler.current(), "the reconciler still knows the old state");
    }

    @Test
    void anElementBatchRefusedBecauseOfForeignEditsFallsBackToAFullReconcile() throws IOException {
        reconciler.reconcileFull(aws);
        kernel.commit(Batch.ipv4()
                .delete(dev.natagent.nft.SetElements.of(
                        KernelLayout.TABLE,
                        KernelLayout.SET_FORWARDS,
                        List.of(dev.natagent.nft.SetElement.key(KernelLayout.protoPort(Protocol.TCP, 11211))))));
        Desired withoutMemcached = Desired.of(ElastiCacheGuide.aws().withoutForward("memcached"));

        reconciler.applyChange(aws, withoutMemcached);

        assertEquals(RendererTest.rendered(withoutMemcached), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void aStaleGenerationIsRetriedWithAFreshListing() throws IOException {
        kernel.failNextCommit(85);

        reconciler.reconcileFull(aws);

        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    /**
     * An absent table is listed at a generation too: the batch that creates it is bound to it, so a
     * transaction between the listing and the commit makes it stale, it is retried, and the table
     * it then creates is verified without being listed again.
     */
    @Test
    void creatingTheTableIsBoundToTheGenerationItWasFoundMissingAt() throws IOException {
        kernel.afterNextListing(() -> {
            try {
                kernel.commit(Batch.ipv4().add(Table.of("someone_else")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        reconciler.reconcileFull(aws);

        assertEquals(2, kernel.commits(), "someone_else's, then ours on the second attempt");
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
        int listings = kernel.listings();
        assertTrue(reconciler.reconcileCurrentIfChanged().isEmpty(), "verified at the generation of our commit");
        assertEquals(listings, kernel.listings());
    }

    @Test
    void lostRepliesAreResolvedByListingAgain() throws IOException {
        kernel.loseNextReplies();

        Plan retried = reconciler.reconcileFull(aws);

        assertTrue(retried.isEmpty(), "the batch had been applied; the retry found nothing to do");
        assertEquals(1, kernel.commits());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void aLostElementBatchIsFoundMissingAndAppliedByTheFallback() throws IOException {
        reconciler.reconcileFull(aws);
        Desired withoutMemcached = Desired.of(ElastiCacheGuide.aws().withoutForward("memcached"));
        kernel.dropNextCommit();

        reconciler.applyChange(aws, withoutMemcached);

        assertEquals(RendererTest.rendered(withoutMemcached), kernel.dump(KernelLayout.TABLE));
        assertEquals(Optional.of(withoutMemcached), reconciler.current());
    }

    @Test
    void aKernelThatKeepsRefusingIsReportedAfterTheLastAttemptAndNothingChanged() throws IOException {
        reconciler.reconcileFull(aws);
        String before = kernel.dump(KernelLayout.TABLE);
        for (int i = 0; i < Reconciler.MAX_ATTEMPTS; i++) {
            kernel.failNextCommit(85);
        }

        ReconcileException e = assertThrows(
                ReconcileException.class, () -> reconciler.reconcileFull(Desired.of(ElastiCacheGuide.awsSnat())));

        assertTrue(e.netlinkError().orElseThrow().isStaleGeneration(), e.getMessage());
        assertEquals(before, kernel.dump(KernelLayout.TABLE));
        assertEquals(Optional.of(aws), reconciler.current());
    }

    @Test
    void anOutboundChangeIsAFullReconcileOfTheRules() throws IOException {
        reconciler.reconcileFull(aws);
        Desired noOutbound = Desired.of(ElastiCacheGuide.aws().withoutOutbound("private"));

        Plan plan = reconciler.applyChange(aws, noOutbound);

        assertEquals(1, plan.steps().size(), plan.steps().toString());
        assertEquals(RendererTest.rendered(noOutbound), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void otherTablesAreNeverTouched() throws IOException {
        kernel.commit(Batch.ipv4().add(dev.natagent.nft.Table.of("other")));

        reconciler.reconcileFull(aws);
        reconciler.applyChange(aws, Desired.of(NatState.empty()));

        assertEquals(List.of("other", KernelLayout.TABLE), kernel.tableNames());
    }
}
