package dev.natagent.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.TestJson;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** What the end-to-end tests share for waiting on a daemon and reading its JSON answers. */
final class Polling {
    private Polling() {}

    /** A condition to wait for; throwing counts as "not yet". */
    @FunctionalInterface
    interface CheckedCondition {
        boolean test() throws Exception;
    }

    /** Polls every 50 ms; a condition that throws counts as not yet true. */
    static void awaitTrue(CheckedCondition condition, long timeoutMillis, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.test()) {
                    return;
                }
            } catch (Exception | AssertionError e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("waited " + timeoutMillis + " ms for " + what, last);
    }

    static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    static JsonNode json(String text) {
        try {
            return TestJson.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
