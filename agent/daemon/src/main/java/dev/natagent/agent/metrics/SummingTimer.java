package dev.natagent.agent.metrics;

import com.codahale.metrics.Clock;
import com.codahale.metrics.ExponentiallyDecayingReservoir;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Timer;
import java.util.concurrent.atomic.LongAdder;

/**
 * A timer that also keeps the total of every duration it recorded: a Prometheus summary needs
 * {@code _sum} next to {@code _count} (rate(_sum)/rate(_count) is the mean), which Dropwizard's
 * sampled reservoir cannot give. Every recording path of {@link Timer} ends in its histogram.
 */
public final class SummingTimer extends Timer {
    private final Summing histogram;

    public SummingTimer() {
        this(new Summing());
    }

    private SummingTimer(Summing histogram) {
        super(new Meter(), histogram, Clock.defaultClock());
        this.histogram = histogram;
    }

    /** Total of the recorded durations, in nanoseconds. */
    public long sumNanos() {
        return histogram.sum.sum();
    }

    private static final class Summing extends Histogram {
        private final LongAdder sum = new LongAdder();

        Summing() {
            super(new ExponentiallyDecayingReservoir());
        }

        @Override
        public void update(long value) {
            super.update(value);
            sum.add(value);
        }
    }
}
