package dev.natagent.bench;

import dev.natagent.nft.client.NftClient;
import dev.natagent.testing.Netns;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One forward added and removed while the map already holds N: through NftClient on one open
 * socket (each op timed alone, from building the batch to its ACK), through one persistent {@code
 * nft -i} fed by a pipe, and through one {@code nft} process per op. All three in the same
 * namespace, one after the other; the map holds exactly N elements again after each.
 */
final class ElementChurn {
    static final String OURS = "nat-agent NftClient, open socket";
    static final String NFT_I = "nft -i, persistent, piped";
    static final String NFT_PROCESS = "nft add/delete element process";

    /** Ours first: add, delete; then the same for nft -i and the nft processes. */
    record Result(
            int n, Measured oursAdd, Measured oursDelete, List<Measured> othersAdd, List<Measured> othersDelete) {}

    private static final int OURS_FIRST_PORT = 20_000;
    private static final int NFT_I_FIRST_PORT = 30_000;
    private static final int PROCESS_FIRST_PORT = 40_000;
    /** Ours cycles through this many distinct keys, so it never re-adds the key it just removed. */
    private static final int OURS_KEYS = 1_000;

    private final BenchPlan plan;
    private final PrintStream progress;

    ElementChurn(BenchPlan plan, PrintStream progress) {
        this.plan = plan;
        this.progress = progress;
    }

    Result measure(int n) throws Exception {
        try (Netns netns = Netns.create()) {
            NftClient client = netns.call(NftClient::openIpv4);
            try {
                progress.printf("single element, N=%,d: pre-filling the map%n", n);
                netns.call(() -> client.commit(Ruleset.batch(Forward.tcp(n))));
                progress.printf("single element, N=%,d: NftClient%n", n);
                Measured[] ours = netns.call(() -> ours(client));
                progress.printf("single element, N=%,d: nft -i%n", n);
                Measured[] interactive = interactive(netns);
                progress.printf("single element, N=%,d: nft processes%n", n);
                ProcessTimer.AddDelete processes = ProcessTimer.addDeleteProcesses(
                        netns,
                        plan.processRuns(),
                        plan.loopSeconds(),
                        PROCESS_FIRST_PORT,
                        Forward.udp(PROCESS_FIRST_PORT).nftData());
                int left = netns.call(
                        () -> client.listElements(Ruleset.TABLE, Ruleset.MAP).size());
                if (left != n) {
                    throw new IllegalStateException("the map holds " + left + " elements after the churn, not " + n);
                }
                return new Result(
                        n,
                        ours[0],
                        ours[1],
                        List.of(interactive[0], new Measured(NFT_PROCESS, processes.add())),
                        List.of(interactive[1], new Measured(NFT_PROCESS, processes.delete())));
            } finally {
                netns.call(() -> {
                    client.close();
                    return null;
                });
            }
        }
    }

    /** Add and delete times, each op its own transaction; stops early after the plan's time limit. */
    private Measured[] ours(NftClient client) throws Exception {
        for (int i = 0; i < plan.elementWarmup(); i++) {
            Forward forward = Forward.udp(OURS_FIRST_PORT + i % OURS_KEYS);
            client.commit(Ruleset.add(forward));
            client.commit(Ruleset.delete(forward));
        }
        long[] add = new long[plan.elementIterations()];
        long[] delete = new long[plan.elementIterations()];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(plan.loopSeconds());
        int done = 0;
        while (done < add.length && System.nanoTime() < deadline) {
            Forward forward = Forward.udp(OURS_FIRST_PORT + done % OURS_KEYS);
            long start = System.nanoTime();
            client.commit(Ruleset.add(forward));
            long added = System.nanoTime();
            client.commit(Ruleset.delete(forward));
            delete[done] = System.nanoTime() - added;
            add[done] = added - start;
            done++;
        }
        return new Measured[] {
            new Measured(OURS, Samples.ofNanos(add, done)), new Measured(OURS, Samples.ofNanos(delete, done))
        };
    }

    /**
     * Per-line time of {@code nft -i}: blocks of adds, then of deletes of the same keys, each timed
     * to the marker after it and divided by its length (one warm-up pair of blocks first).
     */
    private Measured[] interactive(Netns netns) throws Exception {
        double[] add = new double[plan.nftiRounds()];
        double[] delete = new double[plan.nftiRounds()];
        try (NftInteractive nft = NftInteractive.start(netns)) {
            for (int round = -1; round < plan.nftiRounds(); round++) {
                int lines = round < 0 ? Math.min(10, plan.nftiLines()) : plan.nftiLines();
                List<String> adds = new ArrayList<>(lines);
                List<String> deletes = new ArrayList<>(lines);
                for (int i = 0; i < lines; i++) {
                    Forward forward = Forward.udp(NFT_I_FIRST_PORT + i);
                    adds.add("add element ip " + Ruleset.TABLE + " " + Ruleset.MAP + " { " + forward.nftElement()
                            + " }");
                    deletes.add(
                            "delete element ip " + Ruleset.TABLE + " " + Ruleset.MAP + " { " + forward.nftKey() + " }");
                }
                double addMillis = nft.timeMillis(adds);
                double deleteMillis = nft.timeMillis(deletes);
                if (round >= 0) {
                    add[round] = addMillis / lines;
                    delete[round] = deleteMillis / lines;
                }
            }
        }
        String method = NFT_I + " (mean/line of " + plan.nftiLines() + ")";
        return new Measured[] {
            new Measured(method, Samples.ofMillis(add)), new Measured(method, Samples.ofMillis(delete))
        };
    }
}
