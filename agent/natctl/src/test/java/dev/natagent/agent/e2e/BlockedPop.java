package dev.natagent.agent.e2e;

import java.io.IOException;
import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Redis connection through the pair blocked in {@code BLPOP}: when a value is pushed, the
 * server speaks first, so its packet, not the client's, is the first of the connection that the
 * node holding the floating addresses sees.
 */
final class BlockedPop implements AutoCloseable {
    private final PairLab lab;
    private final Socket socket;
    private final String clientId;
    private final String key;
    private final CompletableFuture<String> popped;

    private BlockedPop(PairLab lab, Socket socket, String clientId, String key) {
        this.lab = lab;
        this.socket = socket;
        this.clientId = clientId;
        this.key = key;
        this.popped = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        popped.complete(CacheClient.command(socket, "BLPOP", key, "0"));
                    } catch (IOException | RuntimeException e) {
                        popped.completeExceptionally(e);
                    }
                },
                "blocked-pop");
        thread.setDaemon(true);
        thread.start();
    }

    /** Connects from the client and blocks; returns once the server lists the connection as blocked. */
    static BlockedPop start(PairLab lab, String key) throws Exception {
        Socket socket = lab.client.call(
                () -> CacheClient.connect(PairLab.FLOATING_PUBLIC, PairLab.PORT, CacheClient.TIMEOUT_MILLIS));
        socket.setSoTimeout(0);
        String id = CacheClient.command(socket, "CLIENT", "ID");
        BlockedPop pop = new BlockedPop(lab, socket, id, key);
        Polling.awaitTrue(
                () -> CacheClient.redis(lab.cache, PairLab.CACHE, PairLab.PORT, "CLIENT", "LIST")
                        .lines()
                        .anyMatch(line -> line.startsWith("id=" + id + " ") && line.contains("cmd=blpop")),
                10_000,
                "client " + id + " blocked in BLPOP");
        // Until the server has acknowledged the request, a retransmission from the client could
        // reach the next active node first and so set up the connection there on its own.
        String localPort = Integer.toString(socket.getLocalPort());
        Polling.awaitTrue(
                () -> lab.client
                        .execOk("ss", "-Htn", "state", "established", "sport", "=", ":" + localPort)
                        .trim()
                        .split("\\s+")[1]
                        .equals("0"),
                10_000,
                "BLPOP acknowledged (nothing left in the send queue)");
        return pop;
    }

    /** Pushes {@code value} straight at the server, from the cache's own namespace. */
    void push(String value) throws Exception {
        CacheClient.redis(lab.cache, PairLab.CACHE, PairLab.PORT, "LPUSH", key, value);
    }

    /** The popped value ("KEY VALUE"), or empty when the connection failed or nothing came in time. */
    Optional<String> awaitValue(long timeoutMillis) throws InterruptedException {
        try {
            return Optional.of(popped.get(timeoutMillis, TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** Whether the connection still answers, as the same client. */
    boolean sameConnection() {
        try {
            socket.setSoTimeout(CacheClient.TIMEOUT_MILLIS);
            return clientId.equals(CacheClient.command(socket, "CLIENT", "ID"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
