package dev.natagent.nl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.testing.ExecResult;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nf_tables events through a subscribed socket, each test in a namespace of its own. */
@Tag(KernelTests.TAG)
class NetlinkMonitorKernelTest {
    private static final int NEWTABLE = TestMessages.type(TestMessages.NEWTABLE);
    private static final int NEWGEN = TestMessages.type(TestMessages.NEWGEN);
    private Netns netns;
    private final Recorder events = new Recorder();

    @BeforeEach
    void openNamespace() throws Exception {
        KernelTests.requireKernel();
        netns = Netns.create();
    }

    @AfterEach
    void closeNamespace() throws IOException {
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void aForeignChangeArrivesWithTheForeignPortIdAndPid() throws Exception {
        try (NetlinkMonitor monitor = netns.call(() -> NetlinkMonitor.openNfTables(events))) {
            ExecResult nft = netns.exec("nft", "add", "table", "ip", "foreign");
            nft.requireSuccess("nft add table");

            NlMessage table = events.next(NEWTABLE);
            NlMessage gen = events.next(NEWGEN);

            assertEquals("foreign", table.attrs().string(1, "NFTA_TABLE_NAME"));
            Attrs generation = gen.attrs();
            // `ip netns exec` execs nft in place, so the child's pid is nft's.
            assertEquals(nft.pid(), generation.u32Be(TestMessages.NFTA_GEN_PROC_PID, "PROC_PID"));
            assertEquals("nft", generation.string(TestMessages.NFTA_GEN_PROC_NAME, "PROC_NAME"));
            assertEquals(nft.pid(), gen.pid(), "nft's first netlink socket has its pid as port id");
            assertTrue(monitor.isRunning());
        }
    }

    @Test
    void ourOwnChangeCarriesOurRequestSocketsPortId() throws Exception {
        try (NetlinkMonitor monitor = netns.call(() -> NetlinkMonitor.openNfTables(events));
                NetlinkSession session = netns.call(
                        () -> new NetlinkSession(NetlinkSocket.openRequestSocket(), Duration.ofSeconds(5)))) {
            session.commit(
                    new TestMessages(session.reserveSeq(10)).table("ours", 0).end(), seq -> "seq " + seq);

            NlMessage gen = events.next(NEWGEN);

            assertEquals(session.portId(), gen.pid());
            assertTrue(monitor.portId() != session.portId());
        }
    }

    @Test
    void anOverflowingQueueIsReportedAsLostEvents(@TempDir Path dir) throws Exception {
        Path ruleset = dir.resolve("big.nft");
        StringBuilder text = new StringBuilder("table ip big {\n chain c {\n");
        for (int i = 0; i < 400; i++) {
            text.append("  tcp dport ").append(1000 + i).append(" counter accept\n");
        }
        Files.writeString(ruleset, text.append(" }\n}\n"));
        NetlinkSocket tiny = netns.call(() -> NetlinkSocket.open(0, 16 * 1024, NetlinkSocket.NFNLGRP_NFTABLES));
        events.stall.close();

        try (NetlinkMonitor monitor = NetlinkMonitor.start(tiny, events, "tiny-monitor")) {
            // The listener sits on the first datagram while nft's 402 events arrive: the queue overflows.
            netns.execOk("nft", "-f", ruleset.toString());
            events.stall.open();

            assertTrue(events.lost.await(), "ENOBUFS reported");
            assertTrue(monitor.isRunning(), "the monitor keeps reading after a loss");
        }
    }

    @Test
    void closeStopsTheReaderAndTheSocket() throws Exception {
        NetlinkMonitor monitor = netns.call(() -> NetlinkMonitor.openNfTables(events));

        monitor.close();

        assertFalse(monitor.isRunning());
        assertEquals(0, events.failures.get(), "a requested stop is not a failure");
    }

    /** Collects events as the listener; the test thread waits on it. */
    private static final class Recorder implements NetlinkMonitor.Listener {
        final BlockingQueue<NlMessage> messages = new LinkedBlockingQueue<>();
        final Latch lost = new Latch();
        final Gate stall = new Gate();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public void onMessages(List<NlMessage> batch) {
            stall.pass();
            messages.addAll(batch);
        }

        @Override
        public void onEventsLost(IOException cause) {
            lost.open();
        }

        @Override
        public void onFailure(IOException cause) {
            failures.incrementAndGet();
        }

        NlMessage next(int type) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                NlMessage message = messages.poll(100, TimeUnit.MILLISECONDS);
                if (message != null && message.type() == type) {
                    return message;
                }
            }
            assertNotNull(null, "no event of type 0x" + Integer.toHexString(type) + " within 5 s");
            return null;
        }
    }

    /** Holds the listener while closed, so that events pile up in the kernel's queue. */
    private static final class Gate {
        private volatile CountDownLatch opened = new CountDownLatch(0);

        void close() {
            opened = new CountDownLatch(1);
        }

        void open() {
            opened.countDown();
        }

        void pass() {
            try {
                opened.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Latch {
        private final CountDownLatch latch = new CountDownLatch(1);

        void open() {
            latch.countDown();
        }

        boolean await() throws InterruptedException {
            return latch.await(5, TimeUnit.SECONDS);
        }
    }
}
