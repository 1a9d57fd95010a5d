package dev.natagent.agent.daemon;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The one background thread for reconciles, DNS updates and probes, closed with the daemon. */
final class Scheduler implements AutoCloseable {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "nat-agent-background");
        thread.setDaemon(true);
        return thread;
    });

    ScheduledExecutorService executor() {
        return executor;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
