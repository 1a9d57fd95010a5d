package dev.natagent.bench;

import java.util.Arrays;

/** Measured durations in milliseconds, summarised as median and spread (min, max). */
record Samples(double[] sortedMillis) {
    Samples {
        if (sortedMillis.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        sortedMillis = sortedMillis.clone();
        Arrays.sort(sortedMillis);
    }

    static Samples ofNanos(long[] nanos, int count) {
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            millis[i] = nanos[i] / 1e6;
        }
        return new Samples(millis);
    }

    static Samples ofMillis(double... millis) {
        return new Samples(millis);
    }

    int count() {
        return sortedMillis.length;
    }

    /** The middle value; the mean of the two middle ones for an even count. */
    double median() {
        int n = sortedMillis.length;
        return n % 2 == 1 ? sortedMillis[n / 2] : (sortedMillis[n / 2 - 1] + sortedMillis[n / 2]) / 2;
    }

    double min() {
        return sortedMillis[0];
    }

    double max() {
        return sortedMillis[sortedMillis.length - 1];
    }
}
