package dev.natagent.agent.api;

import com.codahale.metrics.Timer;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.natagent.agent.metrics.AgentMetrics;
import dev.natagent.agent.model.ModelJson;
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
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    private static final int READ_CHUNK = 32 * 1024;
    /** Pending connections the kernel queues before connect() blocks; bursts of scripts are common. */
    private static final int BACKLOG = 1024;

    /** Pipelined input kept while a request is in flight; beyond it reading pauses. */
    private static final int MAX_BUFFERED = AdminProtocol.MAX_REQUEST_BYTES + READ_CHUNK;

    private final AdminServerConfig config;
    private final RequestHandler handler;
    private final AccessPolicy policy;
    private final AgentMetrics metrics;
    private final RequestDecoder decoder;
    private final ResponseEncoder encoder;
    private final ThreadPoolExecutor readers;
    private final ThreadPoolExecutor writer;
    private final Selector selector;
    private final UnixServerSocketChannel server;
    private final Set<Connection> connections = new HashSet<>();
    private final Queue<Runnable> selectorTasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_CHUNK);
    private final Thread selectorThread;
    private volatile boolean running = true;

    private AdminServer(
            AdminServerConfig config, RequestHandler handler, AccessPolicy policy, AgentMetrics metrics, int ownUid)
            throws IOException {
        this.config = config;
        this.handler = handler;
        this.policy = policy;
        this.metrics = metrics;
        ObjectMapper mapper = ModelJson.mapper();
        this.decoder = new RequestDecoder(mapper);
        this.encoder = new ResponseEncoder(mapper);
        GroupPrincipal group = adminGroup(config.adminGroup());
        this.readers = boundedPool("nat-agent-admin-reader", config.readerThreads(), config.queueCapacity());
        this.writer = boundedPool("nat-agent-admin-writer", 1, config.queueCapacity());
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
    public static AdminServer start(AdminServerConfig config, RequestHandler handler, AgentMetrics metrics)
            throws IOException {
        int ownUid = SocketPathGuard.currentUid();
        AccessPolicy policy = new AccessPolicy(ownUid, config.adminGroup(), GroupDatabase.system());
        AdminServer adminServer = new AdminServer(config, handler, policy, metrics, ownUid);
        adminServer.selectorThread.start();
        LOG.log(
                System.Logger.Level.INFO,
                "admin socket listening on {0} (group {1}, mode 0660)",
                config.socket(),
                config.adminGroup());
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

    private static ThreadPoolExecutor boundedPool(String name, int threads, int queueCapacity) {
        AtomicInteger counter = new AtomicInteger();
        return new ThreadPoolExecutor(
                threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), task -> {
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
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    closeIdle(now);
                    nextSweep = now + sweepPeriod;
                }
            } catch (IOException | RuntimeException e) {
                // One bad event must not end the server; log it and keep serving the others.
                LOG.log(System.Logger.Level.ERROR, "admin socket loop error", e);
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
                LOG.log(System.Logger.Level.WARNING, "accept failed: {0}", e.getMessage());
                return;
            }
            if (channel == null) {
                return;
            }
            if (connections.size() >= config.maxConnections()) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "admin socket: {0} connections open, refusing one more",
                        Integer.toString(connections.size()));
                closeQuietly(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                Connection connection = new Connection(channel, key, peerOf(channel), idleDeadline());
                key.attach(connection);
                connections.add(connection);
                openConnections.incrementAndGet();
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
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

    private void read(Connection connection) throws IOException {
        while (true) {
            readBuffer.clear();
            int count = connection.channel.read(readBuffer);
            if (count < 0) {
                connection.inputClosed = true;
                break;
            }
            if (count == 0) {
                break;
            }
            readBuffer.flip();
            connection.input.append(readBuffer);
            if (connection.input.length() > MAX_BUFFERED) {
                break;
            }
        }
        dispatchNext(connection);
    }

    /** Starts the next buffered request when none is in flight; handles EOF and oversize lines. */
    private void dispatchNext(Connection connection) {
        if (connection.busy) {
            updateInterest(connection);
            return;
        }
        int newline;
        while ((newline = connection.input.newlineIndex()) >= 0) {
            if (newline > AdminProtocol.MAX_REQUEST_BYTES) {
                rejectTooLarge(connection);
                return;
            }
            byte[] line = connection.input.takeLine(newline);
            if (!isBlank(line)) {
                submit(connection, line);
                updateInterest(connection);
                return;
            }
        }
        if (connection.input.length() > AdminProtocol.MAX_REQUEST_BYTES) {
            rejectTooLarge(connection);
            return;
        }
        if (connection.inputClosed) {
            close(connection);
            return;
        }
        updateInterest(connection);
    }

    private void rejectTooLarge(Connection connection) {
        connection.input.clear();
        connection.busy = true;
        connection.closeAfterWrite = true;
        send(
                connection,
                encoder.failure(
                        null,
                        new AdminException(
                                ErrorCode.REQUEST_TOO_LARGE,
                                "request line exceeds " + AdminProtocol.MAX_REQUEST_BYTES
                                        + " bytes; closing connection")));
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
        boolean wantInput =
                !connection.inputClosed && !connection.closeAfterWrite && connection.input.length() <= MAX_BUFFERED;
        if (wantInput) {
            ops |= SelectionKey.OP_READ;
        }
        if (connection.output != null) {
            ops |= SelectionKey.OP_WRITE;
        }
        connection.key.interestOps(ops);
    }

    private void send(Connection connection, ResponseLine line) {
        connection.output = line.buffers();
        try {
            flush(connection);
        } catch (IOException e) {
            close(connection);
        }
    }

    private void flush(Connection connection) throws IOException {
        // jnr copies the whole remaining buffer on every write: chunks of at most
        // ResponseLine.MAX_CHUNK keep writing a big response O(n).
        Deque<ByteBuffer> output = connection.output;
        while (output != null && !output.isEmpty()) {
            ByteBuffer chunk = output.peek();
            if (connection.channel.write(chunk) <= 0 && chunk.hasRemaining()) {
                updateInterest(connection);
                return;
            }
            if (!chunk.hasRemaining()) {
                output.poll();
            }
        }
        connection.output = null;
        connection.busy = false;
        connection.idleDeadline = idleDeadline();
        if (connection.closeAfterWrite) {
            close(connection);
            return;
        }
        dispatchNext(connection);
    }

    private void closeIdle(long now) {
        List<Connection> expired = new ArrayList<>();
        for (Connection connection : connections) {
            if (!connection.busy && now - connection.idleDeadline > 0) {
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
        }
        connection.key.cancel();
        closeQuietly(connection.channel);
        connection.session.close();
    }

    private static void closeQuietly(UnixSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed: {0}", e.getMessage());
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
            LOG.log(System.Logger.Level.ERROR, "admin request failed unexpectedly", e);
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
        if (!connection.permitted(policy)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "admin refused op={0} id={1} {2}: not root or in group {3}",
                    request.op().wireName(),
                    request.id(),
                    connection.peer,
                    policy.adminGroup());
            complete(connection, encoder.failure(request.id(), permissionDenied(connection.peer)), true);
            return;
        }
        if (!request.mutating()) {
            complete(connection, execute(connection.session, request), false);
            return;
        }
        try {
            writer.execute(() -> complete(connection, execute(connection.session, request), false));
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

    private ResponseLine execute(ClientSession session, Request request) {
        Peer peer = session.peer();
        Timer.Context timer = metrics.apiRequest(request.op().wireName()).time();
        String outcome = "ok";
        try {
            Object result = handler.handle(request, session);
            return encoder.success(request.id(), result);
        } catch (AdminException e) {
            outcome = e.code().name();
            return encoder.failure(request.id(), e);
        } catch (RuntimeException | Error e) {
            outcome = ErrorCode.INTERNAL.name();
            LOG.log(System.Logger.Level.ERROR, "admin op " + request.op().wireName() + " failed unexpectedly", e);
            return encoder.failure(
                    request.id(),
                    new AdminException(
                            ErrorCode.INTERNAL,
                            "internal error (" + e.getClass().getSimpleName() + "); see the nat-agent log"));
        } finally {
            timer.stop();
            if (request.mutating()) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "admin change op={0} id={1} uid={2} pid={3} result={4}",
                        request.op().wireName(),
                        request.id(),
                        Integer.toString(peer.uid()), // MessageFormat would print 18,507
                        Integer.toString(peer.pid()),
                        outcome);
            }
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
