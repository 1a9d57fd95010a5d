package dev.natagent.agent.daemon;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/** What the daemon started, closed in reverse order on shutdown. */
final class Running implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Running.class.getName());
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile String summary = "";

    <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    void summary(String text) {
        summary = text;
    }

    String summary() {
        return summary;
    }

    /** Lets the shutdown hook wait until the main thread has closed everything. */
    void awaitClosed() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warning("closing " + resource.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        closed.countDown();
    }
}
