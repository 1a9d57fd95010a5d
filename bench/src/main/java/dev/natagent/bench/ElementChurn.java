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
 * nft -i} fed by a pipe, and through one {@code nft} process per op. All three on the same map,
 * one after the other, in a namespace per N; the map holds exactly N elements again after each.
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

    /** Ours alternates between the maps in chunks of this many add/delete pairs. */
    private static final int CHUNK = 100;

    private final BenchPlan plan;
    private final PrintStream progress;

    ElementChurn(BenchPlan plan, PrintStream progress) {
        this.plan = plan;
        this.progress = progress;
    }

    /**
     * Measures every size in {@code sizes}. Ours alternates between the sizes' namespaces chunk by
     * chunk, so warm-up and load drift do not favour one size: the flatness ratio stays fair.
     */
    List<Result> measure(List<Integer> sizes) throws Exception {
        List<PrefilledMap> maps = new ArrayList<>();
        try {
            for (int n : sizes) {
                progress.printf("single element: pre-filling a map with N=%,d%n", n);
                maps.add(PrefilledMap.create(n, plan.elementIterations()));
            }
            progress.println("single element: NftClient, alternating between the maps");
            for (PrefilledMap map : maps) {
                map.warmUp(plan.elementWarmup());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(plan.loopSeconds());
            while (maps.stream().anyMatch(PrefilledMap::wantsMore) && System.nanoTime() < deadline) {
                for (PrefilledMap map : maps) {
                    map.measureChunk(CHUNK, deadline);
                }
            }
            List<Result> results = new ArrayList<>();
            for (PrefilledMap map : maps) {
                results.add(compare(map));
            }
            return results;
        } finally {
            closeAll(maps);
        }
    }

    /** nft -i and nft processes on the same map, then a check that it holds N elements again. */
    private Result compare(PrefilledMap map) throws Exception {
        int n = map.n;
        progress.printf("single element, N=%,d: nft -i%n", n);
        Measured[] interactive = interactive(map.netns);
        progress.printf("single element, N=%,d: nft processes%n", n);
        ProcessTimer.AddDelete processes = ProcessTimer.addDeleteProcesses(
                map.netns,
                plan.processRuns(),
                plan.loopSeconds(),
                PROCESS_FIRST_PORT,
                Forward.udp(PROCESS_FIRST_PORT).nftData());
        int left = map.netns.call(
                () -> map.client.listElements(Ruleset.TABLE, Ruleset.MAP).size());
        if (left != n) {
            throw new IllegalStateException("the map holds " + left + " elements after the churn, not " + n);
        }
        return new Result(
                n,
                new Measured(OURS, Samples.ofNanos(map.add, map.done)),
                new Measured(OURS, Samples.ofNanos(map.delete, map.done)),
                List.of(interactive[0], new Measured(NFT_PROCESS, processes.add())),
                List.of(interactive[1], new Measured(NFT_PROCESS, processes.delete())));
    }

    private static void closeAll(List<PrefilledMap> maps) throws Exception {
        Exception failure = null;
        for (PrefilledMap map : maps) {
            try {
                map.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** A namespace of its own whose map holds N forwards, with our client's socket open in it. */
    private static final class PrefilledMap {
        final int n;
        final Netns netns;
        final NftClient client;
        final long[] add;
        final long[] delete;
        int done;

        private PrefilledMap(int n, Netns netns, NftClient client, int iterations) {
            this.n = n;
            this.netns = netns;
            this.client = client;
            this.add = new long[iterations];
            this.delete = new long[iterations];
        }

        static PrefilledMap create(int n, int iterations) throws Exception {
            Netns netns = Netns.create();
            try {
                NftClient client = netns.call(NftClient::openIpv4);
                PrefilledMap map = new PrefilledMap(n, netns, client, iterations);
                try {
                    netns.call(() -> client.commit(Ruleset.batch(Forward.tcp(n))));
                    return map;
                } catch (Exception e) {
                    map.close();
                    throw e;
                }
            } catch (Exception e) {
                netns.close();
                throw e;
            }
        }

        boolean wantsMore() {
            return done < add.length;
        }

        void warmUp(int pairs) throws Exception {
            netns.call(() -> {
                for (int i = 0; i < pairs; i++) {
                    Forward forward = Forward.udp(OURS_FIRST_PORT + i % OURS_KEYS);
                    client.commit(Ruleset.add(forward));
                    client.commit(Ruleset.delete(forward));
                }
                return null;
            });
        }

        /** Up to {@code pairs} more add/delete pairs, each op its own transaction, timed alone. */
        void measureChunk(int pairs, long deadline) throws Exception {
            netns.call(() -> {
                int end = Math.min(add.length, done + pairs);
                while (done < end && System.nanoTime() < deadline) {
                    Forward forward = Forward.udp(OURS_FIRST_PORT + done % OURS_KEYS);
                    long start = System.nanoTime();
                    client.commit(Ruleset.add(forward));
                    long added = System.nanoTime();
                    client.commit(Ruleset.delete(forward));
                    delete[done] = System.nanoTime() - added;
                    add[done] = added - start;
                    done++;
                }
                return null;
            });
        }

        /** Closes the socket, then deletes the namespace, even if closing the socket failed. */
        void close() throws Exception {
            try {
                netns.call(() -> {
                    client.close();
                    return null;
                });
            } finally {
                netns.close();
            }
        }
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
