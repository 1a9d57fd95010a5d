package dev.natagent.agent.cluster.memcached;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Ipv4;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's own Memcached configuration endpoint for one cluster: a read-only TCP server that
 * answers auto-discovery clients with the cluster's configuration as seen from outside (see {@link
 * ResponderProtocol}). It is the only place where the agent itself serves clients beyond the NAT,
 * so it is bounded everywhere: connections, line length, idle time; peers outside the cluster's
 * allow-list are closed on accept, as the forwards' rules would drop them.
 */
public final class ConfigEndpointServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConfigEndpointServer.class.getName());

    /** Bounds of one server. */
    public record Limits(int maxConnections, int maxLine, Duration idle) {
        /** Auto-discovery clients hold one short connection per poll; a line is a command word or two. */
        public static final Limits DEFAULT = new Limits(64, 256, Duration.ofSeconds(30));
    }

    private final String cluster;
    private final ServerSocket listener;
    private final List<Cidr> allow;
    private final Limits limits;
    private final Semaphore slots;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile ClusterConfig config;
    private volatile boolean closed;

    private ConfigEndpointServer(String cluster, ServerSocket listener, List<Cidr> allow, Limits limits) {
        this.cluster = cluster;
        this.listener = listener;
        this.allow = List.copyOf(allow);
        this.limits = limits;
        this.slots = new Semaphore(limits.maxConnections());
        this.acceptor = new Thread(this::acceptLoop, "config-endpoint-" + cluster);
        acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code bind} (the wildcard address and the cluster's configuration port, in
     * production) for peers in {@code allow} (everyone when empty, like a forward without one).
     */
    public static ConfigEndpointServer start(String cluster, InetSocketAddress bind, List<Cidr> allow, Limits limits)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(bind, limits.maxConnections());
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        ConfigEndpointServer server = new ConfigEndpointServer(cluster, listener, allow, limits);
        server.acceptor.start();
        return server;
    }

    /** What clients are told from now on; null: that there is no configuration yet. */
    public void publish(ClusterConfig config) {
        this.config = config;
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "configuration endpoint of cluster " + cluster + ": accept failed", e);
                }
                continue;
            }
            if (!allowed(socket) || !slots.tryAcquire()) {
                closeQuietly(socket);
                continue;
            }
            open.add(socket);
            Thread worker = new Thread(() -> serve(socket), "config-endpoint-" + cluster + "-client");
            worker.setDaemon(true);
            worker.start();
        }
    }

    private boolean allowed(Socket socket) {
        if (!(socket.getInetAddress() instanceof Inet4Address peer)) {
            return false;
        }
        Ipv4 address = Ipv4.of(peer.getAddress());
        return allow.isEmpty() || allow.stream().anyMatch(cidr -> cidr.contains(address));
    }

    private void serve(Socket socket) {
        try {
            socket.setSoTimeout((int) limits.idle().toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                Optional<String> line = readLine(in);
                if (line.isEmpty()) {
                    out.write(ResponderProtocol.LINE_TOO_LONG);
                    return;
                }
                ResponderProtocol.Answer answer = ResponderProtocol.answer(line.get(), Optional.ofNullable(config));
                out.write(answer.bytes());
                out.flush();
                if (answer.close()) {
                    return;
                }
            }
        } catch (IOException e) {
            // idle timeout, peer gone or closed by close(): the connection simply ends
        } finally {
            // The slot is free before the peer sees the close: whoever waits for it gets it.
            open.remove(socket);
            slots.release();
            closeQuietly(socket);
        }
    }

    /** One line without its {@code \n} or {@code \r\n}; empty when it is too long. */
    private Optional<String> readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return Optional.of(new String(bytes, 0, length, StandardCharsets.US_ASCII));
            }
            if (line.size() >= limits.maxLine()) {
                return Optional.empty();
            }
            line.write(b);
        }
        throw new SocketException("connection closed");
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // the listening socket is gone either way
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        try {
            acceptor.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to flush: a refused or finished connection
        }
    }
}
