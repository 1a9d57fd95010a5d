package dev.natagent.testing;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded, bounded fuzz loops for plain JUnit tests. Each case draws from its own stream, derived
 * from the run seed and the case index, so a failing case replays alone. System properties (the
 * names LoaderFuzzTest reads too): {@code natagent.fuzz.cases} (cases per loop, default given by
 * the test), {@code natagent.fuzz.seed}, {@code natagent.fuzz.case} (run only that case index) and
 * {@code natagent.fuzz.case.timeout.seconds} (a case running longer fails the test as a hang).
 * A failure's message names the seed and case index and the properties that replay it.
 */
public final class Fuzz {
    static final long DEFAULT_SEED = 20261126L;

    private Fuzz() {}

    /** One case: draw an input from {@code gen} and check it; any throwable fails the run. */
    @FunctionalInterface
    public interface Case {
        void check(Gen gen) throws Exception;
    }

    /** What one loop runs; {@code onlyCase} is null for all cases. */
    record Plan(String target, int cases, long seed, Integer onlyCase, Duration caseTimeout) {
        static Plan fromSystemProperties(String target, int defaultCases) {
            return new Plan(
                    target,
                    Integer.getInteger("natagent.fuzz.cases", defaultCases),
                    Long.getLong("natagent.fuzz.seed", DEFAULT_SEED),
                    Integer.getInteger("natagent.fuzz.case"),
                    Duration.ofSeconds(Long.getLong("natagent.fuzz.case.timeout.seconds", 10)));
        }

        String replay(int index) {
            return target + " case " + index + " of " + cases + ", seed " + seed + " (replay with -Dtest=" + target
                    + " -Dnatagent.fuzz.seed=" + seed + " -Dnatagent.fuzz.case=" + index + ")";
        }
    }

    /** Runs {@code body} for each case of the calling test method, as the system properties say. */
    public static void run(int defaultCases, Case body) {
        StackWalker.StackFrame caller = StackWalker.getInstance()
                .walk(frames -> frames.skip(1).findFirst())
                .orElseThrow();
        String className = caller.getClassName();
        String target = className.substring(className.lastIndexOf('.') + 1) + "#" + caller.getMethodName();
        run(Plan.fromSystemProperties(target, defaultCases), body);
    }

    static void run(Plan plan, Case body) {
        Loop loop = new Loop(plan, body);
        Thread worker = new Thread(loop, "fuzz " + plan.target());
        worker.setDaemon(true); // a hung case must not keep the test JVM alive
        long started = System.nanoTime();
        worker.start();
        try {
            while (worker.isAlive()) {
                worker.join(100);
                Running running = loop.running;
                if (worker.isAlive()
                        && running != null
                        && System.nanoTime() - running.startedNanos()
                                > plan.caseTimeout().toNanos()) {
                    StackTraceElement[] stack = worker.getStackTrace();
                    worker.interrupt();
                    AssertionError hang = new AssertionError(
                            "hang: " + plan.replay(running.index()) + " still running after " + plan.caseTimeout());
                    hang.setStackTrace(stack); // where the case is stuck, not where we noticed
                    throw hang;
                }
            }
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while fuzzing " + plan.target(), e);
        }
        if (loop.failure != null) {
            throw new AssertionError(plan.replay(loop.running.index()) + ": " + loop.failure, loop.failure);
        }
        System.out.printf(
                "fuzz %s: %d cases, seed %d, %d ms%n",
                plan.target(), loop.ran, plan.seed(), (System.nanoTime() - started) / 1_000_000);
    }

    private record Running(int index, long startedNanos) {}

    private static final class Loop implements Runnable {
        private final Plan plan;
        private final Case body;
        private volatile Running running;
        private volatile Throwable failure;
        private volatile int ran;

        Loop(Plan plan, Case body) {
            this.plan = plan;
            this.body = body;
        }

        @Override
        public void run() {
            int from = plan.onlyCase() == null ? 0 : plan.onlyCase();
            int to = plan.onlyCase() == null ? plan.cases() : plan.onlyCase() + 1;
            for (int i = from; i < to; i++) {
                running = new Running(i, System.nanoTime());
                try {
                    body.check(new Gen(new SplittableRandom(caseSeed(plan.seed(), i))));
                } catch (Throwable t) { // StackOverflowError and OutOfMemoryError are findings too
                    failure = t;
                    return;
                }
                ran++;
            }
        }
    }

    /** A seed per case; mixed so that neighbouring cases draw unrelated streams. */
    static long caseSeed(long seed, int index) {
        return new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L)).nextLong();
    }

    /** Draws for one case. */
    public static final class Gen {
        /** One draw in this many is a range bound or its neighbour (where off-by-one bugs live). */
        private static final int EDGE_ODDS = 8;

        private final SplittableRandom random;

        Gen(SplittableRandom random) {
            this.random = random;
        }

        /** An int in [min, max], biased towards min, min+1, max-1, max and 0. */
        public int between(int min, int max) {
            if (min > max) {
                throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
            }
            if (random.nextInt(EDGE_ODDS) == 0) {
                int edge =
                        switch (random.nextInt(5)) {
                            case 0 -> min;
                            case 1 -> min + 1;
                            case 2 -> max - 1;
                            case 3 -> max;
                            default -> 0;
                        };
                if (edge >= min && edge <= max) {
                    return edge;
                }
            }
            return (int) (min + random.nextLong((long) max - min + 1));
        }

        public boolean bool() {
            return random.nextBoolean();
        }

        /** Up to {@code maxLength} arbitrary bytes. */
        public byte[] bytes(int maxLength) {
            byte[] bytes = new byte[between(0, maxLength)];
            random.nextBytes(bytes);
            return bytes;
        }

        /** Up to {@code maxLength} characters taken from {@code alphabet}. */
        public String string(String alphabet, int maxLength) {
            char[] chars = new char[between(0, maxLength)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            return new String(chars);
        }

        public <T> T oneOf(List<T> values) {
            return values.get(between(0, values.size() - 1));
        }

        /** An index into {@code weights}, each chosen in proportion to its weight. */
        public int weighted(int... weights) {
            int total = 0;
            for (int weight : weights) {
                total += weight;
            }
            int roll = random.nextInt(total);
            int index = 0;
            while (roll >= weights[index]) {
                roll -= weights[index];
                index++;
            }
            return index;
        }
    }
}
