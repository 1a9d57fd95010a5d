package dev.natagent.nl;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a multicast-subscribed netlink socket on one reader thread and hands every datagram's
 * messages to a {@link Listener}. The listener is only ever called from that thread, one call at a
 * time, so it needs no locking of its own; it must return quickly, as the kernel drops events
 * (ENOBUFS) while the queue is full.
 */
public final class NetlinkMonitor implements Closeable {
    /** How often the reader checks whether it was stopped. */
    static final long POLL_MILLIS = 100;

    private static final long STOP_WAIT_MILLIS = 5_000;

    /** Receives the monitor's events, always on the reader thread. */
    public interface Listener {
        /**
         * Whether {@code message} (a view into the receive buffer, header only to be trusted) is to
         * be copied and delivered at all; the rest of a datagram is skipped unread.
         */
        default boolean wants(NlMessage message) {
            return true;
        }

        /** The wanted messages of one datagram, as copies the listener may keep; never empty. */
        void onMessages(List<NlMessage> messages);

        /**
         * Events were dropped (the kernel's queue overflowed) or one datagram could not be parsed:
         * whatever was derived from events so far is incomplete; re-read the state.
         */
        void onEventsLost(IOException cause);

        /** The socket failed; the monitor has stopped and delivers nothing more. */
        void onFailure(IOException cause);
    }

    private final NetlinkTransport transport;
    private final Listener listener;
    private final Thread reader;
    private volatile boolean running = true;

    private NetlinkMonitor(NetlinkTransport transport, Listener listener, String threadName) {
        this.transport = transport;
        this.listener = listener;
        this.reader = new Thread(this::readLoop, threadName);
        reader.setDaemon(true);
    }

    /** Opens a socket subscribed to nf_tables changes in the calling thread's namespace and starts. */
    public static NetlinkMonitor openNfTables(Listener listener) throws IOException {
        return start(NetlinkSocket.openMonitorSocket(NetlinkSocket.NFNLGRP_NFTABLES), listener, "nft-monitor");
    }

    /** Starts reading {@code transport}, which the monitor now owns and closes. */
    public static NetlinkMonitor start(NetlinkTransport transport, Listener listener, String threadName) {
        NetlinkMonitor monitor = new NetlinkMonitor(transport, listener, threadName);
        monitor.reader.start();
        return monitor;
    }

    /** The port id of the monitor's own socket (not the one that makes changes). */
    public int portId() {
        return transport.portId();
    }

    public boolean isRunning() {
        return running && reader.isAlive();
    }

    /** Stops the reader (waiting for a listener call in progress) and closes the socket. */
    @Override
    public void close() throws IOException {
        running = false;
        if (Thread.currentThread() != reader) {
            try {
                reader.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        transport.close();
    }

    private void readLoop() {
        while (running) {
            Optional<ByteBuffer> datagram;
            try {
                datagram = transport.receive(POLL_MILLIS);
            } catch (MessagesLostException | DatagramTruncatedException e) {
                listener.onEventsLost(e);
                continue;
            } catch (IOException e) {
                if (running) {
                    running = false;
                    listener.onFailure(e);
                }
                return;
            }
            if (datagram.isPresent()) {
                deliver(datagram.get());
            }
        }
    }

    private void deliver(ByteBuffer datagram) {
        List<NlMessage> copies = new ArrayList<>();
        try {
            for (NlMessage message : NlMessage.parseAll(datagram, datagram.limit())) {
                if (listener.wants(message)) {
                    copies.add(message.copy());
                }
            }
        } catch (NetlinkDecodeException e) {
            listener.onEventsLost(e);
            return;
        }
        if (!copies.isEmpty()) {
            listener.onMessages(List.copyOf(copies));
        }
    }
}
