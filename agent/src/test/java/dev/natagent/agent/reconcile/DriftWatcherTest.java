package dev.natagent.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.nft.Batch;
import dev.natagent.nft.NftBody;
import dev.natagent.nft.NftMessage;
import dev.natagent.nft.NftMsg;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nft.client.NftMonitor;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watcher's decisions, driven by hand-made events against the fake kernel. */
class DriftWatcherTest {
    private final FakeKernel kernel = new FakeKernel();
    private final Reconciler reconciler = new Reconciler(kernel);
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final DriftWatcher watcher =
            new DriftWatcher(reconciler, executor, Duration.ofMillis(1), Clock.systemUTC());
    private final Desired aws = Desired.of(ElastiCacheGuide.aws());

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aForeignChangeToOurTableIsRepairedAndCounted() throws Exception {
        reconciler.reconcileFull(aws);
        Batch foreign = Batch.ipv4()
                .delete(SetElements.of(
                        KernelLayout.TABLE,
                        KernelLayout.SET_FORWARDS,
                        List.of(SetElement.key(KernelLayout.protoPort(Protocol.TCP, 6380)))));
        kernel.commit(foreign);

        watcher.onForeignChange(
                event(NftMsg.DELSETELEM, SetElements.of(KernelLayout.TABLE, KernelLayout.SET_FORWARDS, List.of())));
        watcher.onCommit(new NftMonitor.Commit(7, 99, 1234, "nft", false));
        settle();

        assertEquals(1, watcher.corrections());
        assertTrue(watcher.lastCorrection().isPresent());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void ourOwnCommitsAndOtherTablesAreIgnored() throws Exception {
        reconciler.reconcileFull(aws);

        watcher.onCommit(new NftMonitor.Commit(7, 4242, 1, "java", true));
        watcher.onForeignChange(event(NftMsg.DELTABLE, Table.of("other")));
        watcher.onCommit(new NftMonitor.Commit(8, 99, 1234, "nft", false));
        settle();

        assertEquals(0, watcher.checks());
    }

    @Test
    void aTableOfTheSameNameInAnotherFamilyIsNotOurs() {
        NftMessage inet =
                new NftMessage(NftMsg.DELTABLE, 0, 0, 99, NftMsg.NFPROTO_INET, 0, Table.of(KernelLayout.TABLE));

        assertFalse(DriftWatcher.touchesOurTable(inet));
        assertTrue(DriftWatcher.touchesOurTable(event(NftMsg.DELTABLE, Table.of(KernelLayout.TABLE))));
    }

    @Test
    void lostEventsTriggerAFullCheck() throws Exception {
        reconciler.reconcileFull(aws);
        kernel.commit(Batch.ipv4().delete(Table.of(KernelLayout.TABLE)));

        watcher.onEventsLost(new IOException("ENOBUFS"));
        settle();

        assertEquals(1, watcher.checks());
        assertEquals(1, watcher.corrections());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void aFailedRepairIsReportedAndTheNextCheckClearsIt() throws Exception {
        reconciler.reconcileFull(aws);
        kernel.commit(Batch.ipv4().delete(Table.of(KernelLayout.TABLE)));
        kernel.failNextCommit(1);

        watcher.onEventsLost(new IOException("ENOBUFS"));
        settle();
        assertTrue(
                watcher.lastError().orElseThrow().contains("EPERM"),
                watcher.lastError().toString());

        watcher.onEventsLost(new IOException("ENOBUFS"));
        settle();
        assertTrue(watcher.lastError().isEmpty());
        assertEquals(1, watcher.corrections());
    }

    /**
     * The periodic check only reads the ruleset generation while nothing but our own changes is
     * committed, starting with the commit that created the table (bound to the generation read
     * before listing); another process's transaction, even on another table, makes it list.
     */
    @Test
    void thePeriodicCheckListsNothingWhileTheRulesetIsUnchanged() throws Exception {
        reconciler.reconcileFull(aws);
        int listings = kernel.listings();

        watcher.periodicCheck();
        watcher.periodicCheck();
        watcher.periodicCheck();

        assertEquals(listings, kernel.listings(), "the table we created needs no listing");
        assertEquals(0, watcher.checks());
        assertEquals(0, watcher.corrections());

        Desired fewer = Desired.of(ElastiCacheGuide.aws().withoutForward("memcached"));
        reconciler.applyChange(aws, fewer);
        watcher.periodicCheck();
        assertEquals(listings, kernel.listings(), "our element change, right after the verified state");

        kernel.commit(Batch.ipv4().add(Table.of("someone_else")));
        reconciler.applyChange(fewer, aws);
        watcher.periodicCheck();
        assertEquals(listings + 1, kernel.listings(), "another transaction came in between: listed");
        assertEquals(1, watcher.checks());
        assertEquals(0, watcher.corrections());
    }

    /** A change no event told of (the monitor failed, say) still moves the generation: repaired. */
    @Test
    void thePeriodicCheckRepairsAChangeNoEventToldOf() throws Exception {
        reconciler.reconcileFull(aws);
        watcher.periodicCheck();
        kernel.commit(Batch.ipv4()
                .delete(SetElements.of(
                        KernelLayout.TABLE,
                        KernelLayout.SET_FORWARDS,
                        List.of(SetElement.key(KernelLayout.protoPort(Protocol.TCP, 6380))))));

        watcher.periodicCheck();

        assertEquals(1, watcher.corrections());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    private static NftMessage event(int type, NftBody body) {
        return new NftMessage(type, 0, 0, 99, NftMsg.NFPROTO_IPV4, 0, body);
    }

    /** Waits until the debounced check has run: the single thread runs tasks in trigger-time order. */
    private void settle() throws Exception {
        executor.schedule(() -> {}, 10, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
    }
}
