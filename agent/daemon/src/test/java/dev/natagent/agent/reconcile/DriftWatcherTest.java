package dev.natagent.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.nft.Batch;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watcher's polls against the fake kernel, run by hand (and once through its own schedule). */
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
        kernel.commit(deleteOneForwardElement());

        watcher.check();

        assertEquals(1, watcher.checks());
        assertEquals(1, watcher.corrections());
        assertTrue(watcher.lastCorrection().isPresent());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    /**
     * Keys nft never makes are no listen key of ours, however close: the DNAT mapping and ports
     * entry of tcp 6379 replaced by ones with the same data whose keys have a padding byte set is
     * drift, found and repaired.
     */
    @Test
    void keysWithSetPaddingAreNotOurs() throws Exception {
        reconciler.reconcileFull(aws);
        Bytes key = KernelLayout.protoPort(Protocol.TCP, 6379);
        Bytes padded = Bytes.ofHex("06000100" + "18eb0000");
        Ruleset rendered = Renderer.render(aws);
        Batch batch = Batch.ipv4();
        for (String set : List.of(KernelLayout.SET_FORWARDS, KernelLayout.SET_PORTS)) {
            SetElement ours = rendered.elementsOf(set).stream()
                    .filter(e -> e.key().equals(key))
                    .findFirst()
                    .orElseThrow();
            batch.delete(SetElements.of(KernelLayout.TABLE, set, List.of(SetElement.key(key))))
                    .add(SetElements.of(
                            KernelLayout.TABLE,
                            set,
                            List.of(new SetElement(padded, Optional.empty(), ours.data(), 0, Optional.empty()))));
        }
        kernel.commit(batch);

        watcher.check();

        assertEquals(1, watcher.corrections());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    /**
     * A poll only reads the ruleset generation while nothing but our own changes is committed,
     * starting with the commit that created the table (bound to the generation read before
     * listing); another process's transaction, even on another table, makes it list once.
     */
    @Test
    void pollsListNothingWhileOnlyOurOwnChangesAreCommitted() throws Exception {
        reconciler.reconcileFull(aws);
        int listings = kernel.listings();

        watcher.check();
        watcher.check();
        watcher.check();

        assertEquals(listings, kernel.listings(), "the table we created needs no listing");
        assertEquals(0, watcher.checks());

        Desired fewer = Desired.of(ElastiCacheGuide.aws().withoutForward("memcached"));
        reconciler.applyChange(aws, fewer);
        watcher.check();
        assertEquals(listings, kernel.listings(), "our element change, right after the verified state");

        kernel.commit(Batch.ipv4().add(Table.of("someone_else")));
        reconciler.applyChange(fewer, aws);
        watcher.check();
        watcher.check();
        assertEquals(listings + 1, kernel.listings(), "another transaction came in between: listed once");
        assertEquals(1, watcher.checks());
        assertEquals(0, watcher.corrections());
    }

    @Test
    void aFailedRepairIsReportedAndTheNextPollClearsIt() throws Exception {
        reconciler.reconcileFull(aws);
        kernel.commit(Batch.ipv4().delete(Table.of(KernelLayout.TABLE)));
        kernel.failNextCommit(1);

        watcher.check();
        assertTrue(
                watcher.lastError().orElseThrow().contains("EPERM"),
                watcher.lastError().toString());

        watcher.check();
        assertTrue(watcher.lastError().isEmpty());
        assertEquals(1, watcher.corrections());
        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    @Test
    void startedItKeepsPollingOnItsOwn() throws Exception {
        reconciler.reconcileFull(aws);
        watcher.start();

        kernel.commit(deleteOneForwardElement());
        awaitCorrections(1);
        kernel.commit(Batch.ipv4().delete(Table.of(KernelLayout.TABLE)));
        awaitCorrections(2);

        assertEquals(RendererTest.fixture("aws-masquerade.txt"), kernel.dump(KernelLayout.TABLE));
    }

    private static Batch deleteOneForwardElement() {
        return Batch.ipv4()
                .delete(SetElements.of(
                        KernelLayout.TABLE,
                        KernelLayout.SET_FORWARDS,
                        List.of(SetElement.key(KernelLayout.protoPort(Protocol.TCP, 6380)))));
    }

    private void awaitCorrections(long count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (watcher.corrections() < count) {
            assertTrue(System.nanoTime() < deadline, "no repair within 5 s");
            Thread.sleep(1);
        }
    }
}
