package dev.natagent.bench;

import java.util.List;

/**
 * How much the benchmark measures. Every loop is bounded by a count and, where it could drag on
 * under load, by {@code loopSeconds}.
 *
 * @param applySizes N for the cold applies
 * @param oursRuns measured applies by NftClient per N (after {@code warmups} unmeasured ones; each
 *     tool gets one unmeasured run too)
 * @param nftRuns measured {@code nft -f} runs per N
 * @param iptablesRuns measured runs per N of each iptables-restore backend
 * @param elementSizes N of the pre-filled map for the single-element figures (smallest first)
 * @param elementIterations measured add/delete pairs through NftClient, after {@code elementWarmup}
 * @param nftiLines lines per timed block fed to {@code nft -i}, {@code nftiRounds} blocks per op
 * @param processRuns {@code nft add element} / {@code nft delete element} process pairs
 * @param settleMillis pause after deleting a namespace (plus 1 ms per 200 elements), so the
 *     kernel's cleanup of it does not overlap the next measurement
 * @param judged whether the sizes are those the targets are defined at
 */
record BenchPlan(
        String name,
        List<Integer> applySizes,
        int oursRuns,
        int nftRuns,
        int iptablesRuns,
        int warmups,
        List<Integer> elementSizes,
        int elementWarmup,
        int elementIterations,
        int nftiLines,
        int nftiRounds,
        int processRuns,
        int loopSeconds,
        long settleMillis,
        boolean judged) {
    static BenchPlan full() {
        return new BenchPlan(
                "full",
                List.of(1_000, 10_000, 50_000),
                7,
                5,
                3,
                2,
                List.of(100, 50_000),
                500,
                2_000,
                1_000,
                3,
                50,
                20,
                150,
                true);
    }

    /** Small N and few runs: shows the harness works end to end in seconds; not for judging. */
    static BenchPlan quick() {
        return new BenchPlan(
                "quick", List.of(100, 1_000), 3, 2, 1, 1, List.of(100, 1_000), 100, 200, 100, 2, 5, 5, 20, false);
    }

    int largestApply() {
        return applySizes.get(applySizes.size() - 1);
    }
}
