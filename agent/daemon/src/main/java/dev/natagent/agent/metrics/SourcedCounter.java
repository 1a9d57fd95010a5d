package dev.natagent.agent.metrics;

import com.codahale.metrics.Counter;
import java.util.function.LongSupplier;

/**
 * A counter whose count lives elsewhere (the drift watcher counts its own repairs): one number,
 * never a second tally that could be forgotten. It is read, never incremented.
 */
final class SourcedCounter extends Counter {
    private final LongSupplier count;

    SourcedCounter(LongSupplier count) {
        this.count = count;
    }

    @Override
    public long getCount() {
        return count.getAsLong();
    }

    @Override
    public void inc(long n) {
        throw new UnsupportedOperationException("counted by its source");
    }

    @Override
    public void dec(long n) {
        throw new UnsupportedOperationException("counted by its source");
    }
}
