package dev.natagent.bench;

import dev.natagent.nft.client.NftClient;
import dev.natagent.nl.MessageWriter;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Cold apply of N forwards into an empty namespace: ours (one NftClient transaction: table, chain,
 * map, N elements, DNAT rule) against {@code nft -f} of the same ruleset and {@code
 * iptables-restore} of N equivalent DNAT rules. Every run gets a namespace of its own, created
 * before and deleted after the timed part; the methods take turns, so load drifts hit them alike.
 */
final class ColdApply {
    static final String OURS = "nat-agent NftClient, one batch";
    static final String NFT_F = "nft -f (whole process)";
    static final String ENCODING = "  of which build + encode (user space)";

    /** An iptables-restore binary, measured only when installed. */
    record IptablesTool(String command, String label) {}

    static final List<IptablesTool> IPTABLES = List.of(
            new IptablesTool("iptables-nft-restore", "iptables-nft-restore, N DNAT rules"),
            new IptablesTool("iptables-legacy-restore", "iptables-legacy-restore, N DNAT rules"));

    /**
     * {@code encoding}: the user-space part of ours alone (build and encode the batch, no kernel);
     * {@code tools}: {@code nft -f} first, then the installed iptables tools.
     */
    record Result(int n, Measured ours, Measured encoding, List<Measured> tools) {
        Measured nft() {
            return tools.get(0);
        }
    }

    private final BenchPlan plan;
    private final Path workDir;
    private final List<IptablesTool> iptables;
    private final PrintStream progress;

    ColdApply(BenchPlan plan, Path workDir, List<IptablesTool> installedIptables, PrintStream progress) {
        this.plan = plan;
        this.workDir = workDir;
        this.iptables = List.copyOf(installedIptables);
        this.progress = progress;
    }

    Result measure(int n) throws Exception {
        List<Forward> forwards = Forward.tcp(n);
        String nftFile = write("ruleset-" + n + ".nft", Ruleset.nftText(forwards));
        String iptablesFile = write("rules-" + n + ".iptables", Ruleset.iptablesText(forwards));
        progress.printf("cold apply N=%,d: warm-up (%d of ours, 1 of each tool)%n", n, plan.warmups());
        for (int i = 0; i < plan.warmups(); i++) {
            ours(forwards);
        }
        tool(n, "/dev/null", "nft", "-f", nftFile);
        for (IptablesTool t : iptables) {
            tool(n, iptablesFile, t.command());
        }
        int rounds = Math.max(plan.oursRuns(), Math.max(plan.nftRuns(), plan.iptablesRuns()));
        double[] ours = new double[plan.oursRuns()];
        double[] encoding = new double[plan.oursRuns()];
        double[] nft = new double[plan.nftRuns()];
        double[][] ipt = new double[iptables.size()][plan.iptablesRuns()];
        for (int round = 0; round < rounds; round++) {
            progress.printf("cold apply N=%,d: round %d of %d%n", n, round + 1, rounds);
            if (round < ours.length) {
                ours[round] = ours(forwards);
                encoding[round] = encodeOnly(forwards);
            }
            if (round < nft.length) {
                nft[round] = tool(n, "/dev/null", "nft", "-f", nftFile);
            }
            for (int t = 0; t < iptables.size() && round < plan.iptablesRuns(); t++) {
                ipt[t][round] = tool(n, iptablesFile, iptables.get(t).command());
            }
        }
        List<Measured> tools = new ArrayList<>();
        tools.add(new Measured(NFT_F, Samples.ofMillis(nft)));
        for (int t = 0; t < iptables.size(); t++) {
            if (ipt[t].length > 0) {
                tools.add(new Measured(iptables.get(t).label(), Samples.ofMillis(ipt[t])));
            }
        }
        return new Result(
                n,
                new Measured(OURS, Samples.ofMillis(ours)),
                new Measured(ENCODING, Samples.ofMillis(encoding)),
                tools);
    }

    /** What ours spends in user space: the same batch built and encoded as NftClient does, never sent. */
    private static double encodeOnly(List<Forward> forwards) {
        long start = System.nanoTime();
        Ruleset.batch(forwards).ackEach(true).encode(new MessageWriter(64 * 1024), 1);
        return (System.nanoTime() - start) / 1e6;
    }

    /** One apply by NftClient in a fresh namespace, timed from building the batch to the last ACK. */
    double ours(List<Forward> forwards) throws Exception {
        int n = forwards.size();
        try (Netns netns = Netns.create()) {
            return netns.call(() -> {
                try (NftClient client = NftClient.openIpv4()) {
                    long start = System.nanoTime();
                    client.commit(Ruleset.batch(forwards));
                    return (System.nanoTime() - start) / 1e6;
                }
            });
        } finally {
            settle(n);
        }
    }

    /**
     * Applies {@code n} forwards both ways and compares what nft lists (elements compared as a
     * sorted set: hash order differs between two maps). A benchmark of unequal work would be void.
     */
    void requireSameRuleset(int n) throws Exception {
        List<Forward> forwards = Forward.tcp(n);
        String nftFile = write("equivalence-" + n + ".nft", Ruleset.nftText(forwards));
        try (Netns ourNs = Netns.create();
                Netns nftNs = Netns.create()) {
            ourNs.call(() -> {
                try (NftClient client = NftClient.openIpv4()) {
                    client.commit(Ruleset.batch(forwards));
                }
                return null;
            });
            nftNs.execOk("nft", "-f", nftFile);
            String ours = normalised(ourNs.execOk("nft", "list", "table", "ip", Ruleset.TABLE));
            String theirs = normalised(nftNs.execOk("nft", "list", "table", "ip", Ruleset.TABLE));
            if (!ours.equals(theirs)) {
                throw new IllegalStateException(
                        "NftClient and nft -f built different rulesets; ours:\n" + ours + "\nnft's:\n" + theirs);
            }
        } finally {
            settle(n);
        }
    }

    /** The listing with its element list sorted. */
    static String normalised(String listing) {
        int open = listing.indexOf("elements = {");
        if (open < 0) {
            return listing;
        }
        int start = open + "elements = {".length();
        int end = listing.indexOf('}', start);
        String elements = Arrays.stream(listing.substring(start, end).split(","))
                .map(String::strip)
                .sorted()
                .collect(Collectors.joining(", "));
        return listing.substring(0, start) + " " + elements + " " + listing.substring(end);
    }

    private double tool(int n, String stdinFile, String... command) throws IOException, InterruptedException {
        try (Netns netns = Netns.create()) {
            return ProcessTimer.timeMillis(netns, stdinFile, command);
        } finally {
            settle(n);
        }
    }

    private String write(String name, String text) throws IOException {
        Path file = workDir.resolve(name);
        Files.writeString(file, text);
        return file.toString();
    }

    /** The kernel frees a deleted namespace's ruleset in the background: a bigger one takes longer. */
    private void settle(int n) throws InterruptedException {
        Thread.sleep(plan.settleMillis() + n / 200);
    }
}
