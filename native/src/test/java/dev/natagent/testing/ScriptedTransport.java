package dev.natagent.testing;

import dev.natagent.nl.MessagesLostException;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NetlinkSession;
import dev.natagent.nl.NetlinkTransport;
import dev.natagent.nl.NlFlags;
import dev.natagent.nl.NlMessage;
import dev.natagent.nl.SyscallException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A fake kernel behind the {@link NetlinkTransport} seam. It records what is sent and answers like
 * nf_tables does: a batch gets an ACK per NLM_F_ACK command (and, when nothing fails, an echo with
 * a made-up handle per NLM_F_ECHO command); a failing command gets its error while the others are
 * still ACKed, and nothing is committed; dumps get scripted messages then NLMSG_DONE; gets get one
 * scripted message then the ACK. Faults are scripted one at a time and each fires once: refused
 * commands (EPERM, EBUSY, ...), a refused batch (ERESTART on the BEGIN seq), lost replies, an
 * overflowing receive queue (ENOBUFS), interrupted or truncated dumps.
 *
 * <p>{@link #receive} waits up to its timeout for a datagram; {@link #inject} may be called from any
 * thread, everything else from the owner's.
 */
public final class ScriptedTransport implements NetlinkTransport {
    public static final int DEFAULT_PORT_ID = 0x4e41;
    private static final int ENOBUFS = 105;
    private static final int EOPNOTSUPP = 95;
    /** NFTA_*_HANDLE attribute of each nf_tables NEW* message that has one (nf_tables.h). */
    private static final Map<Integer, Integer> HANDLE_ATTR = Map.of(0, 4, 3, 2, 6, 3, 9, 16, 18, 6);

    private final int portId;
    private final BlockingQueue<ByteBuffer> inbox = new LinkedBlockingQueue<>();
    private final List<ByteBuffer> sent = new ArrayList<>();
    private final List<List<NlMessage>> committed = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private final List<Predicate<NlMessage>> lost = new ArrayList<>();
    private final Map<Integer, Function<NlMessage, List<ByteBuffer>>> dumps = new HashMap<>();
    private final Map<Integer, Function<NlMessage, ByteBuffer>> gets = new HashMap<>();
    private int messagesPerDatagram = 8;
    private int batchError;
    private int overflowAfter = -1;
    private int interruptedDumps;
    private boolean truncateNextDump;
    private int nextSeq = 1;
    private long nextHandle = 1;
    private int receiveBufferBytes;
    private volatile boolean closed;

    public ScriptedTransport() {
        this(DEFAULT_PORT_ID);
    }

    public ScriptedTransport(int portId) {
        this.portId = portId;
    }

    // ---- script -------------------------------------------------------------------------------

    /** The next command (or dump/get request) matching {@code which} is refused with errno. */
    public ScriptedTransport refuse(Predicate<NlMessage> which, int errno, String extAckMessage) {
        faults.add(new Fault(which, errno, extAckMessage));
        return this;
    }

    /** The next command of nlmsg_type {@code type} is refused with errno. */
    public ScriptedTransport refuseType(int type, int errno) {
        return refuse(m -> m.type() == type, errno, null);
    }

    /** The next batch is refused as a whole: only its BEGIN seq is answered, with -errno. */
    public ScriptedTransport refuseNextBatch(int errno) {
        batchError = errno;
        return this;
    }

    /** The reply to the next message matching {@code which} never arrives (lost ACK). */
    public ScriptedTransport loseReplyTo(Predicate<NlMessage> which) {
        lost.add(which);
        return this;
    }

    /**
     * After the next request, only the first {@code keptDatagrams} reply datagrams arrive; the
     * receive after them fails with ENOBUFS and the rest is dropped.
     */
    public ScriptedTransport overflowAfter(int keptDatagrams) {
        overflowAfter = keptDatagrams;
        return this;
    }

    /** Replies to dumps of nlmsg_type {@code type}: whole messages (headers are rewritten). */
    public ScriptedTransport onDump(int type, Function<NlMessage, List<ByteBuffer>> replies) {
        dumps.put(type, replies);
        return this;
    }

    /** The reply to gets of nlmsg_type {@code type}: one whole message (header rewritten). */
    public ScriptedTransport onGet(int type, Function<NlMessage, ByteBuffer> reply) {
        gets.put(type, reply);
        return this;
    }

    /** The next {@code count} dumps are flagged NLM_F_DUMP_INTR (ruleset changed meanwhile). */
    public ScriptedTransport interruptDumps(int count) {
        interruptedDumps = count;
        return this;
    }

    /** The next dump's NLMSG_DONE never arrives. */
    public ScriptedTransport truncateNextDump() {
        truncateNextDump = true;
        return this;
    }

    /** How many reply messages share a datagram (the kernel packs several). */
    public ScriptedTransport messagesPerDatagram(int count) {
        messagesPerDatagram = count;
        return this;
    }

    /** Queues a raw datagram, e.g. a malformed or unsolicited reply. */
    public ScriptedTransport inject(ByteBuffer datagram) {
        inbox.add(datagram.duplicate().order(ByteOrder.nativeOrder()));
        return this;
    }

    // ---- inspection -----------------------------------------------------------------------------

    /** Every datagram sent, as read-only copies, in order. */
    public List<ByteBuffer> sent() {
        return List.copyOf(sent);
    }

    /** The messages of the {@code index}th datagram sent. */
    public List<NlMessage> sentMessages(int index) {
        return parse(sent.get(index));
    }

    /** The commands (between BEGIN and END) of each batch that committed, in order. */
    public List<List<NlMessage>> committed() {
        return List.copyOf(committed);
    }

    /** The largest receive buffer asked for through {@link #ensureReceiveBuffer}. */
    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The port id the fake's replies are addressed to. */
    public int portId() {
        return portId;
    }

    // ---- NetlinkTransport -----------------------------------------------------------------------

    @Override
    public int reserveSeq(int count) {
        int first = nextSeq;
        nextSeq += count;
        return first;
    }

    @Override
    public void send(ByteBuffer datagram) throws IOException {
        checkOpen();
        ByteBuffer copy = ByteBuffer.allocate(datagram.remaining()).order(ByteOrder.nativeOrder());
        copy.put(datagram.duplicate()).flip();
        sent.add(copy.asReadOnlyBuffer().order(ByteOrder.nativeOrder()));
        List<NlMessage> messages = NlMessage.parseAll(copy, copy.limit());
        List<ByteBuffer> replies;
        if (messages.get(0).type() == NetlinkSession.NFNL_MSG_BATCH_BEGIN) {
            replies = batch(messages);
        } else if ((messages.get(0).flags() & NlFlags.DUMP) == NlFlags.DUMP) {
            replies = dump(messages.get(0));
        } else {
            replies = get(messages.get(0));
        }
        queue(replies);
    }

    @Override
    public Optional<ByteBuffer> receive(long timeoutMillis) throws IOException {
        checkOpen();
        if (overflowAfter == 0) {
            overflowAfter = -1;
            inbox.clear();
            throw new MessagesLostException(new SyscallException("recvfrom", ENOBUFS));
        }
        if (overflowAfter > 0) {
            overflowAfter--;
        }
        try {
            return Optional.ofNullable(inbox.poll(timeoutMillis, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a reply");
        }
    }

    @Override
    public void ensureReceiveBuffer(int bytes) {
        receiveBufferBytes = Math.max(receiveBufferBytes, bytes);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Replies not yet received. */
    public int pendingDatagrams() {
        return inbox.size();
    }

    // ---- the fake kernel ------------------------------------------------------------------------

    private List<ByteBuffer> batch(List<NlMessage> messages) {
        NlMessage begin = messages.get(0);
        if (batchError != 0) {
            int errno = batchError;
            batchError = 0;
            return List.of(NlReplies.error(begin, portId, errno, null, -1));
        }
        List<NlMessage> commands = messages.subList(1, messages.size() - 1);
        List<ByteBuffer> acks = new ArrayList<>();
        boolean failed = false;
        for (NlMessage command : commands) {
            Fault fault = takeFault(command);
            if (fault != null) {
                failed = true;
                acks.add(reply(command, NlReplies.error(command, portId, fault.errno, fault.text, -1)));
            } else if ((command.flags() & NlFlags.ACK) != 0) {
                acks.add(reply(command, NlReplies.ack(command, portId)));
            }
        }
        List<ByteBuffer> replies = new ArrayList<>();
        if (!failed) {
            List<NlMessage> kept = new ArrayList<>();
            for (NlMessage command : commands) {
                kept.add(command.copy());
                if ((command.flags() & NlFlags.ECHO) != 0) {
                    replies.add(reply(command, echo(command)));
                }
            }
            committed.add(List.copyOf(kept));
        }
        replies.addAll(acks);
        replies.removeIf(r -> r == null);
        return replies;
    }

    private ByteBuffer echo(NlMessage command) {
        ByteBuffer request = command.buf().duplicate().order(ByteOrder.nativeOrder());
        request.position(command.offset()).limit(command.end());
        ByteBuffer readdressed = NlReplies.readdress(request.slice(), command.seq(), 0, portId);
        Integer handleAttr = HANDLE_ATTR.get(command.nftMsg());
        return handleAttr == null ? readdressed : NlReplies.appendU64(readdressed, handleAttr, nextHandle++);
    }

    private List<ByteBuffer> dump(NlMessage request) {
        Fault fault = takeFault(request);
        if (fault != null) {
            return List.of(NlReplies.error(request, portId, fault.errno, fault.text, -1));
        }
        int flags = NlFlags.MULTI;
        if (interruptedDumps > 0) {
            interruptedDumps--;
            flags |= NlFlags.DUMP_INTR;
        }
        List<ByteBuffer> replies = new ArrayList<>();
        for (ByteBuffer message :
                dumps.getOrDefault(request.type(), r -> List.of()).apply(request)) {
            replies.add(NlReplies.readdress(message, request.seq(), flags, portId));
        }
        if (truncateNextDump) {
            truncateNextDump = false;
        } else {
            replies.add(NlReplies.readdress(NlReplies.done(request.seq(), portId), request.seq(), flags, portId));
        }
        return replies;
    }

    private List<ByteBuffer> get(NlMessage request) {
        Fault fault = takeFault(request);
        if (fault != null) {
            return List.of(NlReplies.error(request, portId, fault.errno, fault.text, -1));
        }
        Function<NlMessage, ByteBuffer> scripted = gets.get(request.type());
        if (scripted == null) {
            return List.of(NlReplies.error(request, portId, EOPNOTSUPP, "no scripted reply", -1));
        }
        List<ByteBuffer> replies = new ArrayList<>();
        replies.add(reply(request, NlReplies.readdress(scripted.apply(request), request.seq(), 0, portId)));
        replies.add(reply(request, NlReplies.ack(request, portId)));
        replies.removeIf(r -> r == null);
        return replies;
    }

    /** {@code reply}, or null when a scripted loss swallows it. */
    private ByteBuffer reply(NlMessage request, ByteBuffer reply) {
        for (Iterator<Predicate<NlMessage>> it = lost.iterator(); it.hasNext(); ) {
            if (it.next().test(request)) {
                it.remove();
                return null;
            }
        }
        return reply;
    }

    private Fault takeFault(NlMessage message) {
        for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
            Fault fault = it.next();
            if (fault.which.test(message)) {
                it.remove();
                return fault;
            }
        }
        return null;
    }

    private void queue(List<ByteBuffer> replies) {
        for (int i = 0; i < replies.size(); i += messagesPerDatagram) {
            inbox.add(NlReplies.datagram(replies.subList(i, Math.min(replies.size(), i + messagesPerDatagram))));
        }
    }

    private static List<NlMessage> parse(ByteBuffer datagram) {
        try {
            return NlMessage.parseAll(datagram, datagram.limit());
        } catch (NetlinkDecodeException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
    }

    private record Fault(Predicate<NlMessage> which, int errno, String text) {}
}
