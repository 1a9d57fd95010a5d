package dev.natagent.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints the results as one table: machine, every figure with its spread, ratios, targets. */
final class Report {
    static final String TITLE = "nat-agent native benchmark";
    static final String TARGETS = "Targets";
    private static final String ROW = "%9s  %-45s %-6s %5s %9s %9s %9s %10s%n";
    private static final String TARGET = "  %-58s %14s %10s  %s%n";

    private final PrintStream out;
    private final BenchPlan plan;

    Report(PrintStream out, BenchPlan plan) {
        this.out = out;
        this.plan = plan;
    }

    void print(
            Machine machine,
            String loadAtStart,
            double firstApplyMillis,
            List<ColdApply.Result> applies,
            List<ElementChurn.Result> churns) {
        out.println();
        out.printf("== %s (%s plan) ==%n", TITLE, plan.name());
        out.printf("machine  %d CPUs (%s), kernel %s%n", machine.cpus(), machine.cpuModel(), machine.kernel());
        out.printf("java     %s %s%n", machine.java(), machine.jvmArgs());
        out.printf("tools    %s; %s%n", machine.nft(), machine.iptables());
        out.printf(
                "load     1-min load average %s at start, %s at end (other work on the machine slows all methods)%n",
                loadAtStart, Machine.loadAverage());
        out.println("method   every run in a private network namespace made for it; times in ms; median, min, max of"
                + " the runs;");
        out.println(
                "         ours/this = our median / this method's median; ours runs in a warm JVM on an open socket");

        out.println();
        out.println("1. Cold apply: table ip nat_agent + nat chain + map (inet_proto . inet_service : ipv4_addr ."
                + " inet_service)");
        out.println("   + N elements + 1 DNAT rule through the map, one transaction into an empty namespace");
        out.println("   ours: building the batch from N forwards, encoding, one sendto, every ACK read (socket opened"
                + " before);");
        out.println("   nft, iptables-restore: fork to exit of the process, reading the ruleset file");
        header();
        for (ColdApply.Result result : applies) {
            row(result.n(), result.ours(), "apply", "");
            row(result.n(), result.encoding(), "apply", "");
            for (Measured tool : result.tools()) {
                row(result.n(), tool, "apply", ratio(result.ours().samples().median(), tool));
            }
        }
        out.printf(
                ROW,
                String.format(Locale.ROOT, "%,d", plan.largestApply()),
                "nat-agent NftClient, first apply, fresh JVM",
                "apply",
                "1",
                millis(firstApplyMillis),
                "",
                "",
                "");
        out.println("   iptables rows: N plain DNAT rules (-p tcp --dport P -j DNAT), the usual iptables way; a"
                + " packet walks them linearly");

        out.println();
        out.println("2. One forward added, then removed, while the map holds N elements (a UDP key not in the map)");
        out.println("   ours: each op its own transaction on one open socket, timed from building the batch to its"
                + " ACK,");
        out.println("   alternating between the N's in chunks of 100 pairs (after a warm-up) so drift hits both"
                + " alike;");
        out.println("   nft -i: one process reading a pipe, blocks of lines timed to a marker and divided by the"
                + " block length");
        out.println("   (runs = blocks); nft process: fork to exit of one nft add/delete element command");
        header();
        for (ElementChurn.Result result : churns) {
            churnRows(result, "add", result.oursAdd(), result.othersAdd());
            churnRows(result, "delete", result.oursDelete(), result.othersDelete());
        }

        out.println();
        targets(applies, churns);
    }

    private void churnRows(ElementChurn.Result result, String op, Measured ours, List<Measured> others) {
        row(result.n(), ours, op, "");
        for (Measured other : others) {
            row(result.n(), other, op, ratio(ours.samples().median(), other));
        }
    }

    private void targets(List<ColdApply.Result> applies, List<ElementChurn.Result> churns) {
        out.printf("%s%s%n", TARGETS, plan.judged() ? "" : " (quick plan: sizes below the targets' own, not judged)");
        ColdApply.Result largest = applies.get(applies.size() - 1);
        double ours = largest.ours().samples().median();
        double nft = largest.nft().samples().median();
        target(
                String.format(Locale.ROOT, "cold apply N=%,d: ours / nft -f", largest.n()),
                ratio(ours, nft),
                "<= 0.5x",
                ours <= 0.5 * nft);
        for (Measured method : largest.tools()) {
            if (method.method().startsWith("iptables-legacy-restore")) {
                double legacy = method.samples().median();
                target(
                        String.format(Locale.ROOT, "cold apply N=%,d: ours / iptables-legacy-restore", largest.n()),
                        ratio(ours, legacy),
                        "< 1x",
                        ours < legacy);
            }
        }
        ElementChurn.Result small = churns.get(0);
        ElementChurn.Result big = churns.get(churns.size() - 1);
        for (String op : List.of("add", "delete")) {
            Measured smallOurs = op.equals("add") ? small.oursAdd() : small.oursDelete();
            Measured bigOurs = op.equals("add") ? big.oursAdd() : big.oursDelete();
            for (ElementChurn.Result result : List.of(small, big)) {
                double median =
                        (result == small ? smallOurs : bigOurs).samples().median();
                target(
                        String.format(Locale.ROOT, "one element %s, N=%,d: ours median", op, result.n()),
                        millis(median) + " ms",
                        "<= 0.3 ms",
                        median <= 0.3);
            }
            double flatness = bigOurs.samples().median() / smallOurs.samples().median();
            target(
                    String.format(Locale.ROOT, "one element %s: median N=%,d / N=%,d", op, big.n(), small.n()),
                    String.format(Locale.ROOT, "%.2f", flatness),
                    "<= 1.2",
                    flatness <= 1.2);
        }
    }

    private void target(String what, String measured, String limit, boolean met) {
        out.printf(TARGET, what, measured, limit, plan.judged() ? (met ? "PASS" : "MISS") : "-");
    }

    private void header() {
        out.printf(ROW, "N", "method", "op", "runs", "median", "min", "max", "ours/this");
    }

    private void row(int n, Measured method, String op, String ratio) {
        Samples s = method.samples();
        out.printf(
                ROW,
                String.format(Locale.ROOT, "%,d", n),
                method.method(),
                op,
                Integer.toString(s.count()),
                millis(s.median()),
                millis(s.min()),
                millis(s.max()),
                ratio);
    }

    private static String ratio(double ours, Measured other) {
        return ratio(ours, other.samples().median());
    }

    private static String ratio(double ours, double other) {
        double ratio = ours / other;
        return String.format(Locale.ROOT, ratio >= 0.1 ? "%.2fx" : ratio >= 0.01 ? "%.3fx" : "%.4fx", ratio);
    }

    /** Two or three significant digits: 0.0091, 0.123, 1.23, 12.3, 123. */
    static String millis(double ms) {
        String format = ms >= 100 ? "%.0f" : ms >= 10 ? "%.1f" : ms >= 1 ? "%.2f" : ms >= 0.1 ? "%.3f" : "%.4f";
        return String.format(Locale.ROOT, format, ms);
    }
}
