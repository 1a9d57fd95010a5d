package dev.natagent.bench;

import dev.natagent.testing.Netns;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The native benchmark: cold apply of N forwards and single-element changes through NftClient,
 * side by side with nft and iptables-restore, each measurement in private network namespaces it
 * creates and deletes (never the root namespace). Prints a table and judges each figure against its target.
 * Needs root. Run it with {@code bench/native-bench.sh [--quick]}.
 */
public final class NativeBench {
    private NativeBench() {}

    public static void main(String[] args) {
        BenchPlan plan;
        if (args.length == 0) {
            plan = BenchPlan.full();
        } else if (args.length == 1 && args[0].equals("--quick")) {
            plan = BenchPlan.quick();
        } else {
            System.err.println("usage: native-bench.sh [--quick]   (as root; --quick: small N, a smoke run)");
            System.exit(2);
            return;
        }
        try {
            run(plan, System.out, System.err);
            System.exit(0);
        } catch (Exception | AssertionError e) {
            System.err.println("benchmark failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Measures everything {@code plan} asks for, prints progress to {@code progress} and the table to {@code out}. */
    static void run(BenchPlan plan, PrintStream out, PrintStream progress) throws Exception {
        Path workDir = Files.createTempDirectory("nat-agent-bench");
        try {
            Machine machine;
            List<ColdApply.IptablesTool> iptables = new ArrayList<>();
            try (Netns probe = Netns.create()) {
                machine = Machine.describe(probe);
                for (ColdApply.IptablesTool tool : ColdApply.IPTABLES) {
                    if (probe.exec("sh", "-c", "command -v " + tool.command()).ok()) {
                        iptables.add(tool);
                    } else {
                        progress.println(tool.command() + " is not installed: its rows are left out");
                    }
                }
            }
            String loadAtStart = Machine.loadAverage();
            ColdApply coldApply = new ColdApply(plan, workDir, iptables, progress);

            progress.printf("first apply of N=%,d in this fresh JVM%n", plan.largestApply());
            double firstApply = coldApply.ours(Forward.tcp(plan.largestApply()));
            progress.println("checking that NftClient and nft -f build the same ruleset");
            coldApply.requireSameRuleset(plan.applySizes().get(0));

            List<ColdApply.Result> applies = new ArrayList<>();
            for (int n : plan.applySizes()) {
                applies.add(coldApply.measure(n));
            }
            List<ElementChurn.Result> churns = new ElementChurn(plan, progress).measure(plan.elementSizes());
            new Report(out, plan).print(machine, loadAtStart, firstApply, applies, churns);
        } finally {
            deleteRecursively(workDir);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
