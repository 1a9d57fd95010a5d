package dev.natagent.agent.daemon;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Logger;

/** What the daemon started, closed in reverse order on shutdown. */
final class Running implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Running.class.getName());
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
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
    }
}
