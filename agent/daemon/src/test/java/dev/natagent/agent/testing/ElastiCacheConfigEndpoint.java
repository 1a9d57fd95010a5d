package dev.natagent.agent.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for an ElastiCache Memcached configuration endpoint (stock memcached has no {@code
 * config get cluster}): answers {@code config get cluster} (or, as an engine older than 1.4.14,
 * {@code ERROR} to it and the configuration under {@code get AmazonElastiCache:cluster}), {@code
 * version} and {@code quit}, with a version and node list the test sets. Its replies are written
 * here by hand, independently of the agent's own formatting. Bind it inside a namespace by starting
 * it from that namespace's thread ({@code Netns.call}).
 */
public final class ElastiCacheConfigEndpoint implements AutoCloseable {
    private final ServerSocket listener;
    private final boolean configCommand;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile long version;
    private volatile List<String> nodes = List.of();
    private volatile boolean closed;

    private ElastiCacheConfigEndpoint(ServerSocket listener, boolean configCommand) {
        this.listener = listener;
        this.configCommand = configCommand;
    }

    /** Listens on {@code host:port}; {@code configCommand} false acts as an engine before 1.4.14. */
    public static ElastiCacheConfigEndpoint start(String host, int port, boolean configCommand) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(host, port));
        ElastiCacheConfigEndpoint endpoint = new ElastiCacheConfigEndpoint(listener, configCommand);
        Thread acceptor = new Thread(endpoint::acceptLoop, "elasticache-config-endpoint");
        acceptor.setDaemon(true);
        acceptor.start();
        return endpoint;
    }

    /** The configuration from now on: a version and {@code host|ip|port} entries. */
    public void set(long version, List<String> nodes) {
        this.nodes = List.copyOf(nodes);
        this.version = version;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Every request line received, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** The data block ElastiCache sends: version line, entries line. */
    public String body() {
        return version + "\n" + String.join(" ", nodes) + "\n";
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                Thread worker = new Thread(() -> serve(socket), "elasticache-config-endpoint-client");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                // closed, or a failed accept: the loop condition decides
            }
        }
    }

    private void serve(Socket socket) {
        try (socket;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                requests.add(line);
                String body = body();
                int bytes = body.getBytes(StandardCharsets.US_ASCII).length;
                String reply;
                if (line.equals("config get cluster") && configCommand) {
                    reply = "CONFIG cluster 0 " + bytes + "\r\n" + body + "\r\nEND\r\n";
                } else if (line.equals("get AmazonElastiCache:cluster")) {
                    reply = "VALUE AmazonElastiCache:cluster 0 " + bytes + "\r\n" + body + "\r\nEND\r\n";
                } else if (line.equals("version")) {
                    reply = configCommand ? "VERSION 1.6.17\r\n" : "VERSION 1.4.5\r\n";
                } else if (line.equals("quit")) {
                    return;
                } else {
                    reply = "ERROR\r\n";
                }
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // client gone
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
