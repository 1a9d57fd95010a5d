package dev.natagent.agent.api;

import com.codahale.metrics.Timer;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.store.TrustedPaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.enxio.channels.NativeSelectorProvider;
import jnr.unixsocket.Credentials;
import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import jnr.unixsocket.UnixSocketOptions;

/**
 * The admin socket of the daemon: newline-delimited JSON over a UNIX stream socket (never TCP).
 *
 * <p>One selector thread does all I/O without blocking, so idle, slow or hostile clients cost only
 * their connection state (no thread, no buffer while idle). Complete request lines go to a bounded
 * reader pool that decodes and authorises them; mutating requests then run on a single writer
 * thread, so they are serialised and each answer is the state right after that change.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AdminServer.class.getName());
    private static final int READ_CHUNK = 32 * 1024;
    /** Pending connections the kernel queues before connect() blocks; bursts of scripts are common. */
    private static final int BACKLOG = 1024;

    /** The most one connection buffers: a line of the maximal size and its CRLF. */
    static final int LINE_LIMIT = AdminProtocol.MAX_REQUEST_BYTES + 2;
    /**
     * A request line in progress is charged this many times its length: what the model values read
     * from it (an inline state's forwards), which live until the answer is ready, can grow to.
     */
    static final int PARSED_WEIGHT = 16;
    /** Four bytes of line per JSON token at least: a document of forwards has about six. */
    static final int MAX_REQUEST_TOKENS = AdminProtocol.MAX_REQUEST_BYTES / 4;
    /** The request's own objects (array header, queue entry, task). */
    static final int LINE_OVERHEAD = 64;
    /** Request memory kept for connections holding less than {@link #SMALL_HOLDING}. */
    static final long RESERVE = 1L << 20;
    /** What a connection holding little (a status request) needs; it may draw on {@link #RESERVE}. */
    static final long SMALL_HOLDING = 16L << 10;
    /** Room for one request of the maximal size as it is read and then parsed, plus the reserve. */
    static final long MIN_REQUEST_MEMORY = LINE_LIMIT + lineWeight(AdminProtocol.MAX_REQUEST_BYTES) + RESERVE;
    /**
     * After its last answer a connection being closed is drained (input read and dropped) for at
     * most this long or {@link #DRAIN_BYTES}: closing a UNIX socket with unread input resets it, and
     * the peer would lose the answer that says why.
     */
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final long DRAIN_BYTES = 1L << 20;
    /**
     * How far the answer to a read-only request may run ahead of its client: the memory one
     * answer holds however large it is (a listing, export or metrics of 50,000 forwards is
     * megabytes); a client that reads slowly holds its reader thread back instead.
     */
    static final long STREAM_WINDOW = 4L * ResponseStream.MAX_CHUNK;
    /**
     * Reader threads that wait for slow clients are replaced for the others while they wait, up to
     * this many: clients that stop reading large answers cannot keep a {@code status} waiting
     * until they are closed as stalled, and each costs at most {@link #STREAM_WINDOW}.
     */
    static final int MAX_WAITING_READERS = 8;

    private final AdminServerConfig config;
    private final RequestHandler handler;
    private final AccessPolicy policy;
    /** The timer of each op, by wire name (the metrics say under which name they publish it). */
    private final Function<String, Timer> requestTimers;

    private final RequestDecoder decoder;
    private final ResponseEncoder encoder;
    private final ThreadPoolExecutor readers;
    private final ThreadPoolExecutor writer;
    private final Selector selector;
    private final UnixServerSocketChannel server;
    private final Set<Connection> connections = new HashSet<>();
    /** Open connections per peer uid (selector thread only). */
    private final Map<Integer, Integer> connectionsByUid = new HashMap<>();

    private final Queue<Runnable> selectorTasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_CHUNK);
    private final ClientMemory memory;
    /** Connections parked until memory is given back (selector thread only). */
    private final Deque<Connection> starved = new ArrayDeque<>();
    /** Reader threads waiting for their clients to read (guarded by {@link #readers}). */
    private int waitingReaders;
    /** Response bytes not yet written, all connections (selector thread only). */
    private long responseBytes;
    /** Memory was given back since the parked connections last had a turn. */
    private boolean memoryFreed;

    private final Thread selectorThread;
    private volatile boolean running = true;

    private AdminServer(
            AdminServerConfig config,
            RequestHandler handler,
            AccessPolicy policy,
            Function<String, Timer> requestTimers,
            int ownUid)
            throws IOException {
        this.config = config;
        this.handler = handler;
        this.policy = policy;
        this.requestTimers = requestTimers;
        this.decoder = new RequestDecoder(MAX_REQUEST_TOKENS);
        this.encoder = new ResponseEncoder();
        this.memory = new ClientMemory(config.requestMemory(), RESERVE, SMALL_HOLDING);
        GroupPrincipal group = adminGroup(config.adminGroup());
        this.readers = boundedPool(
                "nat-agent-admin-reader",
                config.readerThreads(),
                config.readerThreads() + MAX_WAITING_READERS,
                config.queueCapacity());
        this.writer = boundedPool("nat-agent-admin-writer", 1, 1, config.queueCapacity());
        SocketPathGuard guard = new SocketPathGuard(ownUid);
        Path socket = config.socket().toAbsolutePath();
        guard.prepareDirectory(socket.getParent(), group);
        guard.clearStaleSocket(socket);
        this.selector = NativeSelectorProvider.getInstance().openSelector();
        this.server = UnixServerSocketChannel.open();
        try {
            server.socket().bind(new UnixSocketAddress(socket.toFile()), BACKLOG);
            // The directory (0750, our group) keeps others out until the mode is narrowed here.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            SocketPathGuard.useGroup(socket, group);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            server.close();
            selector.close();
            throw e;
        }
        this.selectorThread = new Thread(this::runSelector, "nat-agent-admin-io");
    }

    /**
     * Binds the socket and starts serving.
     *
     * @throws IOException if the path is unsafe (symlink, not a socket, foreign), another agent
     *     listens there, or the group does not exist
     */
    public static AdminServer start(
            AdminServerConfig config, RequestHandler handler, Function<String, Timer> requestTimers)
            throws IOException {
        int ownUid = TrustedPaths.currentUid();
        AccessPolicy policy = new AccessPolicy(ownUid, config.adminGroup(), GroupDatabase.system());
        AdminServer adminServer = new AdminServer(config, handler, policy, requestTimers, ownUid);
        adminServer.selectorThread.start();
        LOG.log(Level.INFO, "admin socket listening on {0} (group {1}, mode 0660)", new Object[] {
            config.socket(), config.adminGroup()
        });
        return adminServer;
    }

    /** The admin group, or an IOException telling the operator how to create it. */
    public static GroupPrincipal adminGroup(String name) throws IOException {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException(
                    "admin group '" + name + "' does not exist: create it (groupadd --system " + name
                            + ") or name another with --admin-group",
                    e);
        }
    }

    public Path socketPath() {
        return config.socket();
    }

    /** Connections currently open (for tests and the status op). */
    public int openConnections() {
        return openConnections.get();
    }

    /** Bytes reserved for partial request lines and requests in progress (for tests). */
    long requestMemoryHeld() {
        return memory.held();
    }

    /**
     * Connections one uid may hold: all but a sixteenth of the limit, so that one user's flood of
     * connections (a runaway script) never locks another user, root's natctl say, out.
     */
    private int perUidLimit() {
        return config.maxConnections() - Math.max(1, config.maxConnections() / 16);
    }

    private static ThreadPoolExecutor boundedPool(String name, int threads, int maxThreads, int queueCapacity) {
        AtomicInteger counter = new AtomicInteger();
        return new ThreadPoolExecutor(
                threads, maxThreads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), task -> {
                    Thread thread = new Thread(task, name + "-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    // ---- selector thread -------------------------------------------------------------------

    private void runSelector() {
        long sweepPeriod = Math.max(
                TimeUnit.MILLISECONDS.toNanos(10), Math.min(config.idleTimeout().toNanos() / 4, 1_000_000_000L));
        long nextSweep = System.nanoTime() + sweepPeriod;
        while (running) {
            try {
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - System.nanoTime())));
                wakeupPending.set(false);
                for (Runnable task; (task = selectorTasks.poll()) != null; ) {
                    task.run();
                }
                Iterator<SelectionKey> selected = selector.selectedKeys().iterator();
                while (selected.hasNext()) {
                    SelectionKey key = selected.next();
                    selected.remove();
                    handleKey(key);
                }
                if (memoryFreed) {
                    wakeStarved();
                }
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    closeIdle(now);
                    nextSweep = now + sweepPeriod;
                }
            } catch (IOException | RuntimeException e) {
                // One bad event must not end the server; log it and keep serving the others.
                LOG.log(Level.SEVERE, "admin socket loop error", e);
            }
        }
    }

    private void handleKey(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.attachment() == null) {
            if (key.isAcceptable()) {
                acceptAll();
            }
            return;
        }
        Connection connection = (Connection) key.attachment();
        if (key.readyOps() == 0) {
            // poll() reports POLLHUP/POLLNVAL even with no interest: the peer is gone for good.
            close(connection);
            return;
        }
        try {
            if (key.isWritable()) {
                flush(connection);
            }
            if (key.isValid() && key.isReadable()) {
                read(connection);
            }
        } catch (IOException e) {
            close(connection);
        }
    }

    private void acceptAll() {
        while (true) {
            UnixSocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "accept failed: {0}", e.getMessage());
                return;
            }
            if (channel == null) {
                return;
            }
            if (connections.size() >= config.maxConnections()) {
                LOG.log(
                        Level.WARNING,
                        "admin socket: {0} connections open, refusing one more",
                        Integer.toString(connections.size()));
                closeQuietly(channel);
                continue;
            }
            Peer peer = peerOf(channel);
            int ofThisUid = connectionsByUid.getOrDefault(peer.uid(), 0);
            if (ofThisUid >= perUidLimit()) {
                LOG.log(
                        Level.WARNING,
                        "admin socket: uid {0} has {1} connections open, refusing one more (the rest are kept for"
                                + " other users)",
                        new Object[] {Integer.toString(peer.uid()), Integer.toString(ofThisUid)});
                closeQuietly(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                // Nothing is read before the peer is admitted: an outsider's bytes never reach a buffer.
                SelectionKey key = channel.register(selector, 0);
                Connection connection = new Connection(channel, key, peer, idleDeadline());
                key.attach(connection);
                connections.add(connection);
                connectionsByUid.merge(peer.uid(), 1, Integer::sum);
                openConnections.incrementAndGet();
                checkAccess(connection);
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
    }

    /** Asks the policy on a worker (it reads the group database), then admits or refuses on the selector. */
    private void checkAccess(Connection connection) {
        connection.busy = true;
        try {
            readers.execute(() -> {
                boolean permitted = policy.permits(connection.peer);
                onSelector(() -> admit(connection, permitted));
            });
        } catch (RejectedExecutionException e) {
            connection.closeAfterWrite = true;
            send(connection, encoder.failure(null, busy()));
        }
    }

    /**
     * An admitted peer is read from now on. A refused one gets PERMISSION_DENIED whatever it sent
     * or sends, and is closed; nothing it sends is ever buffered or parsed.
     */
    private void admit(Connection connection, boolean permitted) {
        if (!connections.contains(connection)) {
            return;
        }
        connection.busy = false;
        if (permitted) {
            connection.admitted = true;
            dispatchNext(connection);
            return;
        }
        LOG.log(Level.WARNING, "admin connection refused {0}: not root or in group {1}", new Object[] {
            connection.peer, policy.adminGroup()
        });
        connection.busy = true;
        connection.closeAfterWrite = true;
        send(connection, encoder.failure(null, permissionDenied(connection.peer)));
    }

    private static Peer peerOf(UnixSocketChannel channel) {
        try {
            Credentials credentials = channel.getOption(UnixSocketOptions.SO_PEERCRED);
            return new Peer(credentials.getUid(), credentials.getGid(), credentials.getPid());
        } catch (IOException | RuntimeException e) {
            return Peer.UNKNOWN;
        }
    }

    private long idleDeadline() {
        return System.nanoTime() + config.idleTimeout().toNanos();
    }

    /**
     * One read of at most {@link #READ_CHUNK} bytes per turn, so every ready connection gets its turn
     * before a flooding one reads again; never more than its buffer may grow by in {@link ClientMemory}.
     */
    private void read(Connection connection) throws IOException {
        if (connection.draining) {
            drain(connection);
            return;
        }
        if (connection.body != null) {
            readBody(connection);
            return;
        }
        LineBuffer input = connection.input;
        long room = memory.room(connection);
        int want = (int) Math.min(Math.min(READ_CHUNK, LINE_LIMIT - input.length()), input.free() + room);
        if (want <= 0) {
            if (input.length() >= LINE_LIMIT) {
                dispatchNext(connection);
            } else if (!evictLargestPartialLine(null)) {
                waitForMemory(connection);
            }
            return;
        }
        readBuffer.clear().limit(want);
        int count = connection.channel.read(readBuffer);
        if (count < 0) {
            connection.inputClosed = true;
        } else if (count > 0) {
            int needed = input.length() + count;
            if (needed > input.capacity()) {
                // Doubles (amortised copying of a long line) within the room reserved for it.
                long capacity = Math.min(
                        Math.min(LINE_LIMIT, Math.max(needed, 2L * input.capacity())), input.capacity() + room);
                charge(connection, capacity - input.capacity());
                input.resize((int) capacity);
            }
            readBuffer.flip();
            input.append(readBuffer);
        }
        dispatchNext(connection);
    }

    /**
     * Reads an upload's raw bytes straight into it, at most {@link #READ_CHUNK} per turn like
     * request lines. A connection that closes before all of them came loses its upload unapplied.
     */
    private void readBody(Connection connection) throws IOException {
        Upload body = connection.body;
        readBuffer.clear().limit(Math.min(READ_CHUNK, body.missingBytes()));
        int count = connection.channel.read(readBuffer);
        if (count < 0) {
            close(connection);
            return;
        }
        readBuffer.flip();
        body.add(readBuffer);
        bodyRead(connection);
    }

    /** After the answer to an upload's begin, the connection's next bytes are that upload's (some may be here already). */
    private void startBody(Connection connection, Upload upload) {
        connection.body = upload;
        if (connection.input.length() > 0) {
            upload.add(connection.input.take(upload.missingBytes()));
            dropEmptyBuffer(connection);
            bodyRead(connection);
        }
    }

    /** The upload's bytes are all here: request lines again (its commit comes next), with a fresh idle deadline. */
    private void bodyRead(Connection connection) {
        if (connection.body.missingBytes() == 0) {
            connection.body = null;
            connection.idleDeadline = idleDeadline();
            dispatchNext(connection);
        }
    }

    /** Reads and drops a closing connection's input (never buffered) until EOF or its drain ends. */
    private void drain(Connection connection) throws IOException {
        readBuffer.clear();
        int count = connection.channel.read(readBuffer);
        connection.drained += Math.max(0, count);
        if (count < 0 || connection.drained > DRAIN_BYTES) {
            close(connection);
        }
    }

    private void charge(Connection connection, long bytes) {
        if (!memory.tryCharge(connection, bytes)) {
            throw new IllegalStateException("reserved " + bytes + " bytes beyond the room checked");
        }
    }

    private void release(Connection connection, long bytes) {
        if (bytes > 0) {
            memory.release(connection, bytes);
            memoryFreed = true;
        }
    }

    /**
     * Request memory is full: the connection holding the largest unfinished line (but {@code
     * except}) loses it with BUSY and is closed, so that a flood of lines that never end cannot keep
     * others out. False when nobody holds an unfinished line (memory is held by requests in progress,
     * which end by themselves).
     */
    private boolean evictLargestPartialLine(Connection except) {
        Connection largest = null;
        for (Connection candidate : connections) {
            if (candidate != except
                    && !candidate.busy
                    && candidate.input.capacity() > 0
                    && (largest == null || candidate.input.capacity() > largest.input.capacity())
                    && candidate.input.newlineIndex() < 0) {
                largest = candidate;
            }
        }
        if (largest == null) {
            return false;
        }
        int unfinished = largest.input.length();
        reject(
                largest,
                new AdminException(
                        ErrorCode.BUSY,
                        "the agent holds the most request data it takes from all clients ("
                                + config.requestMemory() + " bytes); this connection's unfinished request of "
                                + unfinished + " bytes was the largest and is dropped; closing connection"));
        return true;
    }

    /** Parks a connection that has no memory to go on with: it is not read until some is given back. */
    private void waitForMemory(Connection connection) {
        if (!connection.waiting) {
            connection.waiting = true;
            starved.add(connection);
        }
        updateInterest(connection);
    }

    /** Gives the parked connections another turn, in the order they were parked. */
    private void wakeStarved() {
        memoryFreed = false;
        for (int i = starved.size(); i > 0 && !starved.isEmpty(); i--) {
            Connection connection = starved.poll();
            connection.waiting = false;
            if (connections.contains(connection)) {
                dispatchNext(connection);
            }
        }
    }

    /** Starts the next buffered request when none is in flight; handles EOF and oversize lines. */
    private void dispatchNext(Connection connection) {
        if (connection.busy || connection.waiting || !connection.admitted || connection.body != null) {
            updateInterest(connection);
            return;
        }
        LineBuffer input = connection.input;
        int newline;
        while ((newline = input.newlineIndex()) >= 0) {
            int length = input.lineLength(newline);
            if (length > AdminProtocol.MAX_REQUEST_BYTES) {
                rejectTooLarge(connection);
                return;
            }
            long weight = lineWeight(length);
            if (responseBytes > config.responseMemory()) {
                waitForMemory(connection);
                return;
            }
            if (!memory.tryCharge(connection, weight)) {
                // A complete request goes before others' unfinished lines.
                if (!evictLargestPartialLine(connection)) {
                    waitForMemory(connection);
                }
                return;
            }
            byte[] line = input.takeLine(newline);
            dropEmptyBuffer(connection);
            if (isBlank(line)) {
                release(connection, weight);
                continue;
            }
            connection.lineCharge = weight;
            submit(connection, line);
            updateInterest(connection);
            return;
        }
        if (input.pendingLineLength() > AdminProtocol.MAX_REQUEST_BYTES) {
            rejectTooLarge(connection);
            return;
        }
        if (connection.inputClosed) {
            close(connection);
            return;
        }
        updateInterest(connection);
    }

    /** What a request line costs until its answer is ready: the line, and the tree it is parsed into. */
    static long lineWeight(int length) {
        return LINE_OVERHEAD + (long) length * PARSED_WEIGHT;
    }

    /** An idle connection keeps no buffer. */
    private void dropEmptyBuffer(Connection connection) {
        LineBuffer input = connection.input;
        if (input.length() == 0 && input.capacity() > 0) {
            long capacity = input.capacity();
            input.resize(0);
            release(connection, capacity);
        }
    }

    private void rejectTooLarge(Connection connection) {
        reject(
                connection,
                new AdminException(
                        ErrorCode.REQUEST_TOO_LARGE,
                        "request line exceeds " + AdminProtocol.MAX_REQUEST_BYTES + " bytes; closing connection"));
    }

    /** Drops what the connection sent, answers {@code error} and closes it. */
    private void reject(Connection connection, AdminException error) {
        long capacity = connection.input.capacity();
        connection.input.clear();
        release(connection, capacity);
        connection.busy = true;
        connection.closeAfterWrite = true;
        send(connection, encoder.failure(null, error));
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private void updateInterest(Connection connection) {
        if (!connection.key.isValid()) {
            return;
        }
        int ops = 0;
        boolean wantInput = connection.draining
                ? connection.output == null
                : connection.admitted
                        && !connection.inputClosed
                        && !connection.closeAfterWrite
                        && !connection.waiting
                        && (connection.body != null || connection.input.length() < LINE_LIMIT);
        if (wantInput) {
            ops |= SelectionKey.OP_READ;
        }
        if (connection.output != null && !connection.output.isEmpty()) {
            ops |= SelectionKey.OP_WRITE;
        }
        connection.key.interestOps(ops);
    }

    /** Hands a whole response to the connection. */
    private void send(Connection connection, ResponseLine line) {
        deliver(connection, null, line.chunks(), true);
    }

    /**
     * Queues chunks of a response ({@code last}: its final ones) for writing. The first replaces
     * the request's reservation. Chunks of a connection that closed meanwhile are dropped, and the
     * stream that wrote them is told to stop.
     */
    private void deliver(Connection connection, ResponseStream stream, List<byte[]> chunks, boolean last) {
        if (!connections.contains(connection)) {
            if (stream != null) {
                stream.cancel();
            }
            return;
        }
        if (connection.output == null) {
            release(connection, connection.lineCharge);
            connection.lineCharge = 0;
            connection.output = new ArrayDeque<>();
            connection.stream = stream;
            // The answer to an upload's begin: the bytes after it are that upload's, not lines.
            Upload body = connection.session.takeAwaitingBytes();
            if (body != null && body.missingBytes() > 0) {
                startBody(connection, body);
            }
        }
        if (connection.output.isEmpty()) {
            connection.writeDeadline = idleDeadline();
        }
        for (byte[] chunk : chunks) {
            connection.output.add(ByteBuffer.wrap(chunk));
            connection.outputBytes += chunk.length;
            responseBytes += chunk.length;
        }
        connection.outputComplete = last;
        try {
            flush(connection);
        } catch (IOException e) {
            close(connection);
        }
    }

    private void flush(Connection connection) throws IOException {
        // jnr copies the whole remaining buffer on every write: chunks of at most
        // ResponseStream.MAX_CHUNK keep writing a big response O(n).
        Deque<ByteBuffer> output = connection.output;
        if (output == null) {
            return;
        }
        while (!output.isEmpty()) {
            ByteBuffer chunk = output.peek();
            if (connection.channel.write(chunk) <= 0 && chunk.hasRemaining()) {
                updateInterest(connection);
                return;
            }
            connection.writeDeadline = idleDeadline();
            if (!chunk.hasRemaining()) {
                output.poll();
                writtenOut(connection, chunk.capacity());
            }
        }
        if (!connection.outputComplete) {
            // The rest is still being written by a worker; it is delivered when it is ready.
            updateInterest(connection);
            return;
        }
        connection.output = null;
        connection.stream = null;
        connection.busy = false;
        connection.idleDeadline = idleDeadline();
        if (connection.closeAfterWrite) {
            if (connection.inputClosed) {
                close(connection);
                return;
            }
            connection.draining = true;
            connection.idleDeadline = System.nanoTime() + DRAIN_NANOS;
            updateInterest(connection);
            return;
        }
        dispatchNext(connection);
    }

    private void writtenOut(Connection connection, long bytes) {
        connection.outputBytes -= bytes;
        responseBytes -= bytes;
        memoryFreed = true;
        if (connection.stream != null) {
            connection.stream.written(bytes);
        }
    }

    /** Closes connections idle too long, and those that stopped reading their response as long. */
    private void closeIdle(long now) {
        List<Connection> expired = new ArrayList<>();
        for (Connection connection : connections) {
            boolean stalled =
                    connection.output != null && !connection.output.isEmpty() && now - connection.writeDeadline > 0;
            if (stalled || (!connection.busy && now - connection.idleDeadline > 0)) {
                expired.add(connection);
            }
        }
        for (Connection connection : expired) {
            close(connection);
        }
    }

    private void close(Connection connection) {
        if (connections.remove(connection)) {
            openConnections.decrementAndGet();
            connectionsByUid.computeIfPresent(connection.peer.uid(), (uid, count) -> count > 1 ? count - 1 : null);
        }
        connection.key.cancel();
        closeQuietly(connection.channel);
        connection.session.close();
        connection.input.clear();
        connection.lineCharge = 0;
        if (connection.waiting) {
            starved.remove(connection);
        }
        if (connection.charged > 0) {
            memory.releaseAll(connection);
            memoryFreed = true;
        }
        if (connection.output != null) {
            writtenOut(connection, connection.outputBytes);
            connection.output = null;
        }
        if (connection.stream != null) {
            connection.stream.cancel();
            connection.stream = null;
        }
    }

    private static void closeQuietly(UnixSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "close failed: {0}", e.getMessage());
        }
    }

    /** Runs task on the selector thread (the only thread that touches connections). */
    private void onSelector(Runnable task) {
        selectorTasks.add(task);
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    // ---- worker threads --------------------------------------------------------------------

    private void submit(Connection connection, byte[] line) {
        connection.busy = true;
        try {
            readers.execute(() -> decodeAndRoute(connection, line));
        } catch (RejectedExecutionException e) {
            send(connection, encoder.failure(null, busy()));
        }
    }

    private static AdminException busy() {
        return new AdminException(ErrorCode.BUSY, "the agent has too many requests queued; retry shortly");
    }

    private void decodeAndRoute(Connection connection, byte[] line) {
        try {
            route(connection, line);
        } catch (RuntimeException | Error e) {
            // Never leave a connection waiting for an answer that will not come.
            LOG.log(Level.SEVERE, "admin request failed unexpectedly", e);
            complete(connection, encoder.failure(null, new AdminException(ErrorCode.INTERNAL, "internal error")), true);
        }
    }

    private void route(Connection connection, byte[] line) {
        Request request;
        try {
            request = decoder.decode(line, 0, line.length);
        } catch (RequestDecoder.DecodeFailure failure) {
            complete(connection, encoder.failure(failure.id(), failure.error()), false);
            return;
        }
        if (!request.mutating()) {
            answer(connection, request, STREAM_WINDOW, readerWaits);
            return;
        }
        handler.prepare(request);
        try {
            // Unbounded: a client slow to read its answer must not hold up the one writer.
            writer.execute(() -> answer(connection, request, ResponseStream.UNBOUNDED, ResponseStream.Waits.NONE));
        } catch (RejectedExecutionException e) {
            complete(connection, encoder.failure(request.id(), busy()), false);
        }
    }

    private AdminException permissionDenied(Peer peer) {
        return new AdminException(
                ErrorCode.PERMISSION_DENIED,
                "uid " + peer.uid() + " may not use the nat-agent admin socket: run as root or as a member of group '"
                        + policy.adminGroup() + "'");
    }

    /**
     * Executes the request and writes its answer into the connection as it is produced, at most
     * {@code window} bytes ahead of the client (see {@link ResponseStream}).
     */
    private void answer(Connection connection, Request request, long window, ResponseStream.Waits waits) {
        Peer peer = connection.peer;
        ResponseStream out = new ResponseStream(
                (stream, chunks, last) -> onSelector(() -> deliver(connection, stream, chunks, last)), window, waits);
        Timer.Context timer = requestTimers.apply(request.op().wireName()).time();
        String outcome = "ok";
        try {
            JsonWritable result = handler.handle(request, connection.session);
            encoder.writeSuccess(request.id(), result, out);
            out.finish();
        } catch (AdminException e) {
            outcome = e.code().name();
            fail(connection, out, encoder.failure(request.id(), e));
        } catch (IOException e) {
            if (out.cancelled()) {
                outcome = "GONE";
                LOG.log(Level.FINE, "admin op {0}: {1}", new Object[] {
                    request.op().wireName(), e.getMessage()
                });
            } else {
                outcome = ErrorCode.INTERNAL.name();
                internalError(connection, out, request, e);
            }
        } catch (RuntimeException | Error e) {
            outcome = ErrorCode.INTERNAL.name();
            internalError(connection, out, request, e);
        } finally {
            timer.stop();
            if (request.mutating()) {
                LOG.log(Level.INFO, "admin change op={0} id={1} uid={2} pid={3} result={4}", new Object[] {
                    request.op().wireName(),
                    request.id(),
                    Integer.toString(peer.uid()), // MessageFormat would print 18,507
                    Integer.toString(peer.pid()),
                    outcome
                });
            }
        }
    }

    /** A reader thread waiting for its client counts as one more reader for the others (see {@link #MAX_WAITING_READERS}). */
    private final ResponseStream.Waits readerWaits = new ResponseStream.Waits() {
        @Override
        public void begin() {
            changeWaitingReaders(1);
        }

        @Override
        public void end() {
            changeWaitingReaders(-1);
        }
    };

    private void changeWaitingReaders(int change) {
        synchronized (readers) {
            waitingReaders += change;
            readers.setCorePoolSize(config.readerThreads() + Math.min(waitingReaders, MAX_WAITING_READERS));
        }
    }

    private void internalError(Connection connection, ResponseStream out, Request request, Throwable e) {
        LOG.log(Level.SEVERE, "admin op " + request.op().wireName() + " failed unexpectedly", e);
        fail(
                connection,
                out,
                encoder.failure(
                        request.id(),
                        new AdminException(ErrorCode.INTERNAL, "internal error; the nat-agent log has the details")));
    }

    /**
     * Answers with {@code error} if none of the answer has gone out yet; otherwise the line is cut
     * short by closing the connection, which the client sees as a broken answer.
     */
    private void fail(Connection connection, ResponseStream out, ResponseLine error) {
        if (out.committed()) {
            onSelector(() -> close(connection));
        } else {
            complete(connection, error, false);
        }
    }

    private void complete(Connection connection, ResponseLine response, boolean closeAfter) {
        onSelector(() -> {
            if (!connections.contains(connection)) {
                return;
            }
            connection.closeAfterWrite |= closeAfter;
            send(connection, response);
        });
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            selectorThread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A change in flight finishes (it is already half in the kernel or on disk); new ones never start.
        readers.shutdown();
        writer.shutdown();
        try {
            writer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.shutdownNow();
        writer.shutdownNow();
        for (Connection connection : List.copyOf(connections)) {
            close(connection);
        }
        server.close();
        selector.close();
        Files.deleteIfExists(config.socket());
    }
}
