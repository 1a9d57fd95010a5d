package dev.natagent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SamplesTest {
    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        Samples samples = Samples.ofMillis(9, 1, 5);

        assertEquals(5, samples.median());
        assertEquals(1, samples.min());
        assertEquals(9, samples.max());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, Samples.ofMillis(4, 1, 3, 2).median());
    }

    @Test
    void nanosBeyondTheCountAreIgnored() {
        Samples samples = Samples.ofNanos(new long[] {2_000_000, 1_000_000, 0}, 2);

        assertEquals(2, samples.count());
        assertEquals(1.0, samples.min());
    }

    @Test
    void noSamplesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Samples.ofMillis());
    }
}
