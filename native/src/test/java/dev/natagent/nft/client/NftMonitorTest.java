package dev.natagent.nft.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.nft.Generation;
import dev.natagent.nft.NftConstants;
import dev.natagent.nft.NftMessage;
import dev.natagent.nft.Table;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.MessagesLostException;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.testing.NlReplies;
import dev.natagent.testing.ScriptedTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Event decoding and the ours/foreign split, fed by the scripted transport. */
class NftMonitorTest {
    private static final int OURS = 4242;
    private static final int FOREIGN = 977;
    private final ScriptedTransport socket = new ScriptedTransport();
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    @Test
    void changesAndCommitsAreDecodedAndAttributed() throws Exception {
        try (NftMonitor monitor = NftMonitor.start(socket, OURS, new Recorder())) {
            socket.inject(NlReplies.datagram(List.of(
                    // Our own change: skipped unread (it could not even be decoded), its commit kept.
                    event(NftConstants.NEWTABLE, OURS, w -> w.u32Be(2, 0)),
                    event(NftConstants.NEWTABLE, FOREIGN, w -> Table.of("nat_agent")
                            .encode(w)),
                    event(NftConstants.NEWGEN, FOREIGN, w -> w.u32Be(Generation.NFTA_GEN_ID, 9)
                            .u32Be(Generation.NFTA_GEN_PROC_PID, FOREIGN)
                            .string(Generation.NFTA_GEN_PROC_NAME, "nft")))));
            socket.inject(
                    NlReplies.datagram(List.of(event(NftConstants.NEWGEN, OURS, w -> w.u32Be(Generation.NFTA_GEN_ID, 10)
                            .u32Be(Generation.NFTA_GEN_PROC_PID, 1)
                            .string(Generation.NFTA_GEN_PROC_NAME, "java")))));

            assertEquals(Table.of("nat_agent"), ((NftMessage) next()).body());
            assertEquals(new NftMonitor.Commit(9, FOREIGN, FOREIGN, "nft", false), next());
            assertEquals(new NftMonitor.Commit(10, OURS, 1, "java", true), next());
            assertTrue(monitor.isRunning());
        }
    }

    @Test
    void anUndecodableEventIsReportedAsLostAndReadingGoesOn() throws Exception {
        try (NftMonitor monitor = NftMonitor.start(socket, OURS, new Recorder())) {
            socket.inject(NlReplies.datagram(List.of(event(NftConstants.NEWTABLE, FOREIGN, w -> w.u32Be(2, 0)))));
            socket.inject(NlReplies.datagram(
                    List.of(event(NftConstants.NEWGEN, FOREIGN, w -> w.u32Be(Generation.NFTA_GEN_ID, 3)))));

            assertInstanceOf(NetlinkDecodeException.class, next());
            assertEquals(new NftMonitor.Commit(3, FOREIGN, 0, "", false), next());
            assertTrue(monitor.isRunning());
        }
    }

    @Test
    void anOverflowIsReportedAsLostEvents() throws Exception {
        socket.overflowAfter(0);
        try (NftMonitor monitor = NftMonitor.start(socket, OURS, new Recorder())) {
            assertInstanceOf(MessagesLostException.class, next());
            assertTrue(monitor.isRunning());
        }
    }

    @Test
    void closeStopsReadingAndClosesTheSocket() throws Exception {
        NftMonitor monitor = NftMonitor.start(socket, OURS, new Recorder());

        monitor.close();

        assertFalse(monitor.isRunning());
        assertTrue(socket.isClosed());
    }

    private Object next() throws InterruptedException {
        Object event = events.poll(5, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("no event within 5 s");
        }
        return event;
    }

    private static ByteBuffer event(int msg, int pid, Consumer<MessageWriter> attrs) {
        MessageWriter w = new MessageWriter();
        w.beginMessage(NftConstants.type(msg), 0, 0, NftConstants.NFPROTO_IPV4, 0);
        attrs.accept(w);
        ByteBuffer message = w.endMessage().flip();
        return NlReplies.readdress(message, 0, 0, pid);
    }

    private final class Recorder implements NftMonitor.Listener {
        @Override
        public void onForeignChange(NftMessage change) {
            events.add(change);
        }

        @Override
        public void onCommit(NftMonitor.Commit commit) {
            events.add(commit);
        }

        @Override
        public void onEventsLost(IOException cause) {
            events.add(cause);
        }

        @Override
        public void onFailure(IOException cause) {
            events.add(new AssertionError("failure", cause));
        }
    }
}
