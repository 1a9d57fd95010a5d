package dev.natagent.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.nft.Batch;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.client.ElementReader;
import dev.natagent.nft.client.NftClient;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The drift check's compact comparison against the real kernel: a foreign change to any element of
 * the fixed sets (one removed, one added, one whose key stays but whose data changes) or of an
 * allow-list's set, a catch-all element included, is found and repaired within 1 s, and a
 * transaction of another process in another table leads to no full listing and no write at all.
 * The state uses every fixed set:
 * redis SNATs its replies and has an allow-list, memcached's replies keep their source.
 */
@Tag(KernelTests.TAG)
class DriftCheckKernelTest {
    private static final long HEAL_LIMIT_MILLIS = 1_000;

    private final Desired desired = Desired.of(NatState.of(
            Settings.DEFAULTS,
            List.of(ElastiCacheGuide.redis(ReturnPath.parse("10.0.0.55")), ElastiCacheGuide.memcached(ReturnPath.NONE)),
            List.of(ElastiCacheGuide.privateSubnets())));

    private WatchedKernel kernel;
    private Netns netns;
    private NftClient observer;
    private CountingPort port;
    private Reconciler reconciler;
    private DriftWatcher watcher;

    @BeforeEach
    void start() throws Exception {
        KernelTests.requireKernel();
        kernel = WatchedKernel.start(desired, kernelPort -> port = new CountingPort(kernelPort));
        netns = kernel.netns();
        observer = kernel.observer();
        reconciler = kernel.reconciler();
        watcher = kernel.watcher();
    }

    @AfterEach
    void stop() throws IOException {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void everyForeignElementChangeInOurSetsIsRepairedWithinOneSecond() throws Exception {
        String allowList = allowList();
        String t = "ip nat_agent ";
        List<String> drifts = List.of(
                "delete element " + t + "forwards { tcp . 6380 }",
                "add element " + t + "forwards { tcp . 7000 : 10.9.9.9 . 7000 }",
                "delete element " + t + "forwards { tcp . 6380 }; add element " + t
                        + "forwards { tcp . 6380 : 10.9.9.9 . 6380 }",
                "delete element " + t + "forwards { tcp . 6380 }; add element " + t
                        + "forwards { tcp . 6380 : 10.0.1.231 . 6390 }",
                "delete element " + t + "ports { tcp . 11211 }",
                "add element " + t + "ports { udp . 11211 : accept }",
                "delete element " + t + "ports { tcp . 6379 }; add element " + t + "ports { tcp . 6379 : accept }",
                "delete element " + t + "ports { tcp . 11212 }; add element " + t + "ports { tcp . 11212 : drop }",
                "delete element " + t + "snat_ports { tcp . 6381 }",
                "add element " + t + "snat_ports { tcp . 11213 : 10.0.0.55 }",
                "delete element " + t + "snat_ports { tcp . 6381 }; add element " + t
                        + "snat_ports { tcp . 6381 : 10.0.0.56 }",
                "delete element " + t + "plain_ports { tcp . 11213 }",
                "add element " + t + "plain_ports { udp . 11213 }",
                "add element " + t + allowList + " { 192.0.2.1 }",
                "delete element " + t + allowList + " { " + ElastiCacheGuide.TRUSTED + " }");
        assertTrue(matches(), "the table as rendered before any drift");
        for (String drift : drifts) {
            assertRepairedOnce(drift, () -> netns.execOk("nft", drift));
        }
    }

    /**
     * A catch-all element (nft's {@code *}, which has no key) in any of our sets is drift, however
     * it got there: each is removed within 1 s with one repair, and reading the counters right after
     * it was added does not fail (ReconcilerKernelTest reads them while it is surely there).
     * nft 1.0.6 crashes adding one to an interval set, so the allow-list's goes in through our codec.
     */
    @Test
    void aForeignCatchAllElementInAnyOfOurSetsIsRepairedWithinOneSecond() throws Exception {
        String t = "add element ip nat_agent ";
        for (String drift : List.of(
                t + "ports { * : drop }",
                t + "forwards { * : 10.9.9.9 . 7000 }",
                t + "snat_ports { * : 10.0.0.56 }",
                t + "plain_ports { * }")) {
            assertRepairedOnce(drift, () -> {
                netns.execOk("nft", drift);
                reconciler.forwardCounters();
            });
        }
        assertRepairedOnce(
                "catch-all in " + allowList(),
                () -> observer.commit(Batch.ipv4()
                        .add(SetElements.of(
                                KernelLayout.TABLE, allowList(), List.of(SetElement.catchAll(Optional.empty()))))));
        assertTrue(watcher.lastError().isEmpty(), watcher.lastError().toString());
    }

    private void assertRepairedOnce(String drift, Drift action) throws Exception {
        long corrections = watcher.corrections();
        long start = System.nanoTime();
        action.run();
        long healed = awaitRepair(corrections, drift);
        long millis = (healed - start) / 1_000_000;
        assertTrue(millis <= HEAL_LIMIT_MILLIS, drift + ": repaired after " + millis + " ms");
        assertEquals(corrections + 1, watcher.corrections(), "one repair for " + drift);
    }

    /** A change to the kernel made by someone else. */
    private interface Drift {
        void run() throws Exception;
    }

    private String allowList() {
        return Renderer.render(desired).sets().stream()
                .map(NftSet::name)
                .filter(KernelLayout::isAllowGroup)
                .findFirst()
                .orElseThrow();
    }

    /** Another process's transactions elsewhere in the ruleset: each is checked, nothing is listed whole or written. */
    @Test
    void aForeignTransactionInAnotherTableLeadsToNoWrite() throws Exception {
        netns.execOk("nft", "add table ip other; add set ip other s { type inet_service; }");
        awaitCheck(0);
        int commits = port.commits.get();
        int fullListings = port.fullListings.get();
        for (int i = 1; i <= 5; i++) {
            long checks = watcher.checks();
            netns.execOk("nft", "add element ip other s { " + i + " }");
            awaitCheck(checks);
        }
        long checks = watcher.checks();
        Thread.sleep(3 * DriftWatcher.DEFAULT_POLL.toMillis());

        assertEquals(
                checks, watcher.checks(), "the table found matching is verified at its generation: no check since");
        assertEquals(commits, port.commits.get(), "no write");
        assertEquals(fullListings, port.fullListings.get(), "no listing of the whole table");
        assertEquals(0, watcher.corrections());
        assertTrue(watcher.lastError().isEmpty(), watcher.lastError().toString());
        assertTrue(matches());
    }

    private long awaitRepair(long corrections, String drift) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (watcher.corrections() > corrections && matches()) {
                return System.nanoTime();
            }
            Thread.sleep(2);
        }
        throw new AssertionError("not repaired within 5 s after nft " + drift);
    }

    private void awaitCheck(long checks) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (watcher.checks() <= checks) {
            assertTrue(System.nanoTime() < deadline, "no check within 5 s");
            Thread.sleep(2);
        }
    }

    /** Whether the whole table, listed by another socket, plans to nothing against the whole rendering. */
    private boolean matches() throws IOException {
        return Planner.plan(new ClientNftPort(observer).list(KernelLayout.TABLE).table(), Renderer.render(desired))
                .isEmpty();
    }

    /** The real port, counting commits and listings of the whole table (every set's elements). */
    private static final class CountingPort implements NftPort {
        private final NftPort port;
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger fullListings = new AtomicInteger();

        CountingPort(NftPort port) {
            this.port = port;
        }

        @Override
        public int generation() throws IOException {
            return port.generation();
        }

        @Override
        public Listing list(String table, Set<String> withoutElements) throws IOException {
            if (withoutElements.isEmpty()) {
                fullListings.incrementAndGet();
            }
            return port.list(table, withoutElements);
        }

        @Override
        public List<SetElement> listElements(String table, String set) throws IOException {
            return port.listElements(table, set);
        }

        @Override
        public void forEachElement(String table, String set, ElementReader reader) throws IOException {
            port.forEachElement(table, set, reader);
        }

        @Override
        public List<SetElement> getElements(String table, String set, List<SetElement> keys) throws IOException {
            return port.getElements(table, set, keys);
        }

        @Override
        public void commit(Batch batch) throws IOException {
            commits.incrementAndGet();
            port.commit(batch);
        }
    }
}
