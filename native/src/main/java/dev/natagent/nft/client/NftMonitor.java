package dev.natagent.nft.client;

import dev.natagent.nft.Generation;
import dev.natagent.nft.NftConstants;
import dev.natagent.nft.NftMessage;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NetlinkMonitor;
import dev.natagent.nl.NetlinkSocket;
import dev.natagent.nl.NetlinkTransport;
import dev.natagent.nl.NlMessage;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Decoded nf_tables change events (NFNLGRP_NFTABLES) on a reader thread of its own. A transaction
 * committed by another socket arrives as one {@link Listener#onForeignChange} per changed object,
 * then one {@link Listener#onCommit} (NEWGEN); one committed through our own request socket (the
 * kernel names the committing socket in nlmsg_pid) arrives as its commit alone: its object events
 * are skipped unread, as a 50,000-forward apply echoes 100,000 element events whose decoding cost
 * about as much CPU as the apply.
 */
public final class NftMonitor implements Closeable {
    /** Called on the monitor's reader thread only, one call at a time; return quickly. */
    public interface Listener {
        /** A NEW or DEL of a table, chain, rule, set, elements or object, by another socket than ours. */
        void onForeignChange(NftMessage change);

        /** The end of a committed transaction. */
        void onCommit(Commit commit);

        /** Events were dropped or undecodable: what was derived from events is stale; re-dump. */
        void onEventsLost(IOException cause);

        /** The monitor socket failed; nothing more is delivered. */
        void onFailure(IOException cause);
    }

    /**
     * A committed transaction (NEWGEN).
     *
     * @param portId port id of the socket that committed it
     * @param procPid pid of the committing process, as the kernel reports it
     * @param procName its command name (comm), e.g. "nft"
     * @param ours whether {@code portId} is our request socket's
     */
    public record Commit(int generation, int portId, int procPid, String procName, boolean ours) {}

    private final NetlinkMonitor monitor;

    private NftMonitor(NetlinkMonitor monitor) {
        this.monitor = monitor;
    }

    /**
     * Subscribes a new socket, in the calling thread's network namespace, and starts reading.
     *
     * @param ourPortId the port id of our request socket ({@link NftClient#portId()})
     */
    public static NftMonitor open(int ourPortId, Listener listener) throws IOException {
        return start(NetlinkSocket.openMonitorSocket(NetlinkSocket.NFNLGRP_NFTABLES), ourPortId, listener);
    }

    /** Reads {@code transport} (subscribed already), which the monitor owns and closes. */
    public static NftMonitor start(NetlinkTransport transport, int ourPortId, Listener listener) {
        return new NftMonitor(NetlinkMonitor.start(transport, new Decoder(ourPortId, listener), "nft-monitor"));
    }

    public boolean isRunning() {
        return monitor.isRunning();
    }

    @Override
    public void close() throws IOException {
        monitor.close();
    }

    /** Turns raw datagrams into typed calls; runs on the reader thread. */
    private record Decoder(int ourPortId, Listener listener) implements NetlinkMonitor.Listener {
        @Override
        public boolean wants(NlMessage message) {
            return message.subsystem() == NftConstants.NFNL_SUBSYS_NFTABLES
                    && (message.pid() != ourPortId || message.nftMsg() == NftConstants.NEWGEN);
        }

        @Override
        public void onMessages(List<NlMessage> messages) {
            for (NlMessage message : messages) {
                NftMessage decoded;
                try {
                    decoded = NftMessage.decode(message);
                } catch (NetlinkDecodeException e) {
                    listener.onEventsLost(e);
                    continue;
                }
                boolean ours = decoded.pid() == ourPortId;
                if (decoded.body() instanceof Generation gen) {
                    listener.onCommit(new Commit(gen.genId(), decoded.pid(), gen.procPid(), gen.procName(), ours));
                } else {
                    listener.onForeignChange(decoded);
                }
            }
        }

        @Override
        public void onEventsLost(IOException cause) {
            listener.onEventsLost(cause);
        }

        @Override
        public void onFailure(IOException cause) {
            listener.onFailure(cause);
        }
    }
}
