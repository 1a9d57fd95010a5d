package dev.natagent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FuzzTest {
    private static Fuzz.Plan plan(int cases, Integer only, Duration timeout) {
        return new Fuzz.Plan("FuzzTest#sample", cases, 42, only, timeout);
    }

    @Test
    void runsEveryCaseWithItsOwnStream() {
        List<Integer> firstDraws = new ArrayList<>();
        Fuzz.run(plan(50, null, Duration.ofSeconds(10)), gen -> firstDraws.add(gen.between(0, 1_000_000)));
        assertEquals(50, firstDraws.size());
        assertTrue(new HashSet<>(firstDraws).size() > 40, "cases draw different inputs: " + firstDraws);
    }

    @Test
    void aFailingCaseNamesSeedAndIndexAndReplaysAlone() {
        List<Integer> draws = new ArrayList<>();
        AssertionError failure = assertThrows(
                AssertionError.class,
                () -> Fuzz.run(plan(100, null, Duration.ofSeconds(10)), gen -> {
                    draws.add(gen.between(0, 1_000_000));
                    if (draws.size() == 38) {
                        throw new IllegalStateException("boom");
                    }
                }));
        assertTrue(
                failure.getMessage()
                        .startsWith("FuzzTest#sample case 37 of 100, seed 42 (replay with -Dtest=FuzzTest#sample"
                                + " -Dnatagent.fuzz.seed=42 -Dnatagent.fuzz.case=37)"),
                failure.getMessage());
        assertTrue(failure.getCause() instanceof IllegalStateException);

        List<Integer> replayed = new ArrayList<>();
        Fuzz.run(plan(100, 37, Duration.ofSeconds(10)), gen -> replayed.add(gen.between(0, 1_000_000)));
        assertEquals(List.of(draws.get(37)), replayed);
    }

    @Test
    void aHangingCaseFailsTheRunAndIsNamed() {
        AssertionError hang = assertThrows(
                AssertionError.class,
                () -> Fuzz.run(plan(10, null, Duration.ofMillis(300)), gen -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.onSpinWait(); // stands for a decoder loop that stopped advancing
                    }
                }));
        assertTrue(hang.getMessage().startsWith("hang: FuzzTest#sample case 0 of 10"), hang.getMessage());
    }

    @Test
    void betweenStaysInRangeAndReachesItsEdges() {
        Fuzz.Gen gen = new Fuzz.Gen(new SplittableRandom(1));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            int value = gen.between(100, 0x3fff);
            assertTrue(value >= 100 && value <= 0x3fff, "out of range: " + value);
            seen.add(value);
        }
        assertTrue(seen.containsAll(List.of(100, 101, 0x3ffe, 0x3fff)), "edges drawn");
        assertEquals(
                Integer.MIN_VALUE, new Fuzz.Gen(new SplittableRandom(1)).between(Integer.MIN_VALUE, Integer.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> gen.between(1, 0));
    }

    @Test
    void weightedNeverPicksAZeroWeight() {
        Fuzz.Gen gen = new Fuzz.Gen(new SplittableRandom(7));
        int[] counts = new int[3];
        for (int i = 0; i < 800; i++) {
            counts[gen.weighted(1, 0, 3)]++;
        }
        assertEquals(0, counts[1]);
        assertTrue(counts[2] > 2 * counts[0], "weights respected: " + counts[0] + " vs " + counts[2]);
    }

    @Test
    void runNamesTheCallingTestMethod() {
        Set<String> threads = new HashSet<>();
        Fuzz.run(1, gen -> threads.add(Thread.currentThread().getName()));
        assertEquals(Set.of("fuzz FuzzTest#runNamesTheCallingTestMethod"), threads);
    }
}
