package dev.natagent.agent.e2e;

import dev.natagent.testing.Netns;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One Redis connection that asks {@code CLIENT ID} every 50 ms for a bounded time, from a
 * namespace, and keeps the time of every answer: the longest gap between two answers is how long
 * the connection stood still. It stops at the first failure (reset, timeout, another id).
 */
final class RedisPinger implements AutoCloseable {
    static final long PERIOD_MILLIS = 50;
    /** A reply later than this is a failure: TCP retransmits for far longer before it gives up. */
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final String clientId;
    private final long deadline;
    private final List<Long> answers = new ArrayList<>();
    private final Thread thread;
    private volatile String failure;
    private volatile boolean stopping;

    private RedisPinger(Socket socket, String clientId, long maxMillis) {
        this.socket = socket;
        this.clientId = clientId;
        this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        this.thread = new Thread(this::run, "redis-pinger");
        thread.setDaemon(true);
    }

    /** Connects from {@code from} (the socket lives in that namespace) and starts asking. */
    static RedisPinger start(Netns from, String host, int port, long maxMillis) throws Exception {
        Socket socket = from.call(() -> CacheClient.connect(host, port, CacheClient.TIMEOUT_MILLIS));
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        RedisPinger pinger = new RedisPinger(socket, CacheClient.command(socket, "CLIENT", "ID"), maxMillis);
        pinger.thread.start();
        return pinger;
    }

    private void run() {
        try {
            while (!stopping && System.nanoTime() < deadline) {
                String id = CacheClient.command(socket, "CLIENT", "ID");
                if (!clientId.equals(id)) {
                    failure = "CLIENT ID is " + id + ", was " + clientId;
                    return;
                }
                synchronized (answers) {
                    answers.add(System.nanoTime());
                }
                Thread.sleep(PERIOD_MILLIS);
            }
        } catch (IOException e) {
            if (!stopping) {
                failure = e.toString();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String clientId() {
        return clientId;
    }

    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** How many answers came so far: a mark to measure from. */
    int mark() {
        synchronized (answers) {
            return answers.size();
        }
    }

    /** Waits for {@code count} answers after {@code mark}; false when the connection failed first. */
    boolean awaitAnswers(int mark, int count, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < end && failure == null && thread.isAlive()) {
            if (mark() >= mark + count) {
                return true;
            }
            Thread.sleep(PERIOD_MILLIS);
        }
        return mark() >= mark + count;
    }

    /** The longest time between two answers from the one before {@code mark} on, in milliseconds. */
    long longestGapMillis(int mark) {
        synchronized (answers) {
            long longest = 0;
            for (int i = Math.max(1, mark); i < answers.size(); i++) {
                longest = Math.max(longest, answers.get(i) - answers.get(i - 1));
            }
            return TimeUnit.NANOSECONDS.toMillis(longest);
        }
    }

    @Override
    public void close() throws IOException {
        stopping = true;
        socket.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
