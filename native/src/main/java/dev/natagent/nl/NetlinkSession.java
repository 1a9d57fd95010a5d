package dev.natagent.nl;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Request/reply engine over one {@link NetlinkTransport}, at the message level (codec-agnostic):
 * atomic batches ({@link #commit}), dumps ({@link #dump}) and single gets ({@link #get}). Replies
 * whose seq belongs to no pending request (late answers to an earlier, abandoned request) are
 * skipped. Not thread-safe, like the transport it owns.
 */
public final class NetlinkSession implements Closeable {
    /** nfnetlink batch markers (NFNL_MSG_BATCH_BEGIN/END, subsystem 0). */
    public static final int NFNL_MSG_BATCH_BEGIN = 0x10;

    public static final int NFNL_MSG_BATCH_END = 0x11;
    /**
     * Receive-queue room per ACK-flagged command: the kernel charges each queued ACK a little under
     * 1 KiB (docs/netlink.md, "Replies, and when a batch succeeded").
     */
    static final int RECEIVE_BYTES_PER_ACK = 1024;
    /** A dump interrupted (NLM_F_DUMP_INTR) this many times in a row is given up. */
    static final int MAX_DUMP_ATTEMPTS = 5;

    private static final int NLMSG_FLAGS_OFFSET = 6;
    private static final int NLMSG_SEQ_OFFSET = 8;

    private final NetlinkTransport transport;
    private final long timeoutMillis;

    /** @param timeout how long to wait for each reply datagram */
    public NetlinkSession(NetlinkTransport transport, Duration timeout) {
        this.transport = transport;
        this.timeoutMillis = timeout.toMillis();
    }

    public NetlinkTransport transport() {
        return transport;
    }

    /** Reserves {@code count} consecutive seq numbers for a batch the caller encodes. */
    public int reserveSeq(int count) {
        return transport.reserveSeq(count);
    }

    /**
     * Sends a whole batch (BATCH_BEGIN, commands, BATCH_END, as encoded) in one sendto and reads
     * replies until every command flagged NLM_F_ACK has its answer. The batch committed only if no
     * reply is an error, including one on the BEGIN seq (stale generation ERESTART, commit-phase
     * failures); ACKs that read 0 do not prove success on their own, as a failed batch ACKs its good
     * messages too.
     *
     * @param describe the description of the command with a given seq, for error messages
     * @return the messages the kernel echoed for commands flagged NLM_F_ECHO (e.g. new rules with
     *     their handles), in order
     * @throws NetlinkException the first error the kernel reported; nothing was committed
     * @throws OutcomeUnknownException replies were lost or did not come: the batch may or may not
     *     have been committed
     * @throws IllegalArgumentException the buffer is not a BEGIN..END batch, or no command asks for
     *     an ACK (then completion cannot be detected)
     */
    public List<NlMessage> commit(ByteBuffer batch, IntFunction<String> describe) throws IOException {
        BatchLayout layout = BatchLayout.of(batch);
        long queue = (long) layout.acked().size() * RECEIVE_BYTES_PER_ACK + NetlinkSocket.DATAGRAM_BUFFER_BYTES;
        // The kernel doubles what it is asked for and caps it at INT_MAX.
        transport.ensureReceiveBuffer((int) Math.min(queue, Integer.MAX_VALUE / 2));
        transport.send(batch.duplicate());

        Set<Integer> awaited = new HashSet<>(layout.acked());
        List<NlMessage> echoes = new ArrayList<>();
        NetlinkException firstError = null;
        long deadline = deadline();
        while (!awaited.isEmpty()) {
            List<NlMessage> replies;
            try {
                replies = nextDatagram(deadline, "batch");
            } catch (IOException e) {
                // Dropped (ENOBUFS), late, truncated or garbled replies: a known error still stands.
                throw errorOr(
                        firstError,
                        new OutcomeUnknownException(
                                awaited.size() + " of " + layout.acked().size() + " batch replies missing: "
                                        + e.getMessage(),
                                e));
            }
            for (NlMessage reply : replies) {
                if (!layout.contains(reply.seq())) {
                    continue;
                }
                if (reply.type() != NlMessage.NLMSG_ERROR) {
                    echoes.add(reply.copy());
                    continue;
                }
                StructNlmsgerr answer;
                try {
                    answer = StructNlmsgerr.parse(reply);
                } catch (NetlinkDecodeException e) {
                    throw errorOr(firstError, new OutcomeUnknownException("undecodable batch reply", e));
                }
                awaited.remove(reply.seq());
                if (answer.isAck()) {
                    continue;
                }
                if (firstError == null) {
                    String what = reply.seq() == layout.beginSeq()
                            ? "batch of " + layout.commandCount() + " commands (generation check or commit)"
                            : describe.apply(reply.seq());
                    firstError = NetlinkException.of(answer, what);
                }
                if (reply.seq() == layout.beginSeq()) {
                    // Refused as a whole (e.g. stale genid): the kernel may answer no command at all.
                    throw firstError;
                }
            }
        }
        if (firstError != null) {
            throw firstError;
        }
        return echoes;
    }

    /**
     * Sends a dump request (the engine sets NLM_F_REQUEST|NLM_F_DUMP and a fresh seq in the header)
     * and returns every reply message up to NLMSG_DONE, as copies. A dump the kernel flags
     * NLM_F_DUMP_INTR (the ruleset changed meanwhile) or during which messages were lost is
     * repeated, at most {@value #MAX_DUMP_ATTEMPTS} times.
     *
     * @throws NetlinkException the kernel refused the dump
     * @throws SocketTimeoutException no NLMSG_DONE arrived in time
     */
    public List<NlMessage> dump(ByteBuffer request, String description) throws IOException {
        List<NlMessage> messages = new ArrayList<>();
        dump(request, description, new DumpReader() {
            @Override
            public void accept(NlMessage message) {
                messages.add(message.copy());
            }

            @Override
            public void restart() {
                messages.clear();
            }
        });
        return messages;
    }

    /**
     * As {@link #dump(ByteBuffer, String)}, but each reply message is handed to {@code reader} as its
     * datagram arrives, none kept; a repeated dump is announced by {@link DumpReader#restart}.
     */
    public void dump(ByteBuffer request, String description, DumpReader reader) throws IOException {
        for (int attempt = 1; attempt <= MAX_DUMP_ATTEMPTS; attempt++) {
            if (attempt > 1) {
                reader.restart();
            }
            int seq = stamp(request, NlFlags.REQUEST | NlFlags.DUMP);
            transport.send(request.duplicate());
            if (readDump(seq, headerType(request), description, reader)) {
                return;
            }
        }
        throw new IOException(description + ": dump interrupted " + MAX_DUMP_ATTEMPTS + " times in a row");
    }

    /**
     * Sends one request with NLM_F_REQUEST|NLM_F_ACK (set by the engine, with a fresh seq) and
     * returns its single reply message, read until the ACK.
     *
     * @throws NetlinkException the kernel refused the request
     */
    public NlMessage get(ByteBuffer request, String description) throws IOException {
        List<NlMessage> replies = getAll(request, description);
        if (replies.size() != 1) {
            throw new IOException(description + ": expected one reply before the ACK, got " + replies.size());
        }
        return replies.get(0);
    }

    /**
     * Like {@link #get} for requests the kernel answers with several messages before its ACK (a
     * GETSETELEM naming several keys gets one NEWSETELEM per key); returns them all, as copies.
     *
     * @throws NetlinkException the kernel refused the request (replies before the error are dropped)
     */
    public List<NlMessage> getAll(ByteBuffer request, String description) throws IOException {
        int seq = stamp(request, NlFlags.REQUEST | NlFlags.ACK);
        transport.send(request.duplicate());
        List<NlMessage> replies = new ArrayList<>();
        long deadline = deadline();
        while (true) {
            for (NlMessage reply : nextDatagram(deadline, description)) {
                if (reply.seq() != seq) {
                    continue;
                }
                if (reply.type() != NlMessage.NLMSG_ERROR) {
                    replies.add(reply.copy());
                    continue;
                }
                StructNlmsgerr answer = StructNlmsgerr.parse(reply);
                if (!answer.isAck()) {
                    throw NetlinkException.of(answer, description);
                }
                return replies;
            }
        }
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }

    /**
     * False when the dump must be repeated; read to its NLMSG_DONE either way. Messages after the
     * first sign of a repeat are not handed to {@code reader}: they are of a dump that will be read again.
     */
    private boolean readDump(int seq, int requestType, String description, DumpReader reader) throws IOException {
        boolean repeat = false;
        long deadline = deadline();
        while (true) {
            List<NlMessage> datagram;
            try {
                datagram = nextDatagram(deadline, description);
            } catch (MessagesLostException e) {
                repeat = true;
                continue;
            } catch (SocketTimeoutException e) {
                if (repeat) {
                    // The loss took the NLMSG_DONE with it, so the dump is over: ask again.
                    return false;
                }
                throw e;
            }
            for (NlMessage reply : datagram) {
                if (reply.seq() != seq) {
                    continue;
                }
                repeat |= (reply.flags() & NlFlags.DUMP_INTR) != 0;
                switch (reply.type()) {
                    case NlMessage.NLMSG_DONE -> {
                        int error = doneError(reply);
                        if (error != 0) {
                            throw new NetlinkException(-error, seq, requestType, description, null, -1);
                        }
                        return !repeat;
                    }
                    case NlMessage.NLMSG_ERROR -> {
                        StructNlmsgerr answer = StructNlmsgerr.parse(reply);
                        if (!answer.isAck()) {
                            throw NetlinkException.of(answer, description);
                        }
                    }
                    default -> {
                        if (!repeat) {
                            reader.accept(reply);
                        }
                    }
                }
            }
        }
    }

    /** NLMSG_DONE carries the dump's final status (0, or -errno) when its body holds one. */
    private static int doneError(NlMessage done) {
        if (done.length() < MessageWriter.NLMSG_HDRLEN + Integer.BYTES) {
            return 0;
        }
        return done.buf().duplicate().order(ByteOrder.nativeOrder()).getInt(done.bodyOffset());
    }

    private List<NlMessage> nextDatagram(long deadline, String description) throws IOException {
        Optional<ByteBuffer> datagram = transport.receive(millisLeft(deadline));
        if (datagram.isEmpty()) {
            throw new SocketTimeoutException(description + ": no reply within " + timeoutMillis + " ms");
        }
        ByteBuffer bytes = datagram.get();
        return NlMessage.parseAll(bytes, bytes.limit());
    }

    /** Writes a fresh seq and adds {@code flags} to the request's nlmsghdr; returns the seq. */
    private int stamp(ByteBuffer request, int flags) {
        if (request.remaining() < MessageWriter.NLMSG_HDRLEN) {
            throw new IllegalArgumentException("request of " + request.remaining() + " bytes has no nlmsghdr");
        }
        ByteBuffer host = request.duplicate().order(ByteOrder.nativeOrder());
        int start = request.position();
        int seq = transport.reserveSeq(1);
        host.putShort(start + NLMSG_FLAGS_OFFSET, (short) (host.getShort(start + NLMSG_FLAGS_OFFSET) | flags));
        host.putInt(start + NLMSG_SEQ_OFFSET, seq);
        return seq;
    }

    private static int headerType(ByteBuffer request) {
        return Short.toUnsignedInt(
                request.duplicate().order(ByteOrder.nativeOrder()).getShort(request.position() + 4));
    }

    private long deadline() {
        return System.nanoTime() + timeoutMillis * 1_000_000;
    }

    private static long millisLeft(long deadline) {
        return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
    }

    private static IOException errorOr(NetlinkException known, IOException unknown) {
        return known != null ? known : unknown;
    }

    /** The framing of a batch about to be sent: its BEGIN seq and which commands want an ACK. */
    private record BatchLayout(int beginSeq, Set<Integer> seqs, Set<Integer> acked) {
        static BatchLayout of(ByteBuffer batch) throws NetlinkDecodeException {
            ByteBuffer bytes = batch.slice().order(ByteOrder.nativeOrder());
            List<NlMessage> messages = NlMessage.parseAll(bytes, bytes.limit());
            if (messages.size() < 2
                    || messages.get(0).type() != NFNL_MSG_BATCH_BEGIN
                    || messages.get(messages.size() - 1).type() != NFNL_MSG_BATCH_END) {
                throw new IllegalArgumentException("not a batch: must start with BATCH_BEGIN and end with BATCH_END");
            }
            Set<Integer> seqs = new HashSet<>();
            Set<Integer> acked = new HashSet<>();
            for (NlMessage message : messages) {
                if (!seqs.add(message.seq())) {
                    throw new IllegalArgumentException("seq " + message.seq() + " used twice in one batch");
                }
            }
            for (NlMessage command : messages.subList(1, messages.size() - 1)) {
                if ((command.flags() & NlFlags.ACK) != 0) {
                    acked.add(command.seq());
                }
            }
            if (acked.isEmpty()) {
                throw new IllegalArgumentException("no command is flagged NLM_F_ACK: flag at least the last one");
            }
            return new BatchLayout(messages.get(0).seq(), seqs, acked);
        }

        boolean contains(int seq) {
            return seqs.contains(seq);
        }

        int commandCount() {
            return seqs.size() - 2;
        }
    }
}
