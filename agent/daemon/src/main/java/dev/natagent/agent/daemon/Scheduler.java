package dev.natagent.agent.daemon;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** One named background thread (reconciles and DNS updates; probes), closed with the daemon. */
final class Scheduler implements AutoCloseable {
    private final ScheduledExecutorService executor;

    Scheduler(String threadName) {
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
