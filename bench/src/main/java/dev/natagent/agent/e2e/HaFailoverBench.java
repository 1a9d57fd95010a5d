package dev.natagent.agent.e2e;

import dev.natagent.agent.e2e.PairDrill.Move;
import dev.natagent.agent.e2e.PairDrill.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The Java half of bench/ha-bench.sh: CYCLES failovers and failbacks of a {@link PairLab} as
 * shipped, and CONTROL_CYCLES in each control (strict TCP window tracking; without conntrackd), the triggers
 * taking turns, and what one long-lived connection, a connection whose server speaks first after
 * each failover and a new connection saw of them, printed as markdown tables.
 *
 * <pre>java -cp ... dev.natagent.agent.e2e.HaFailoverBench CYCLES CONTROL_CYCLES</pre>
 */
public final class HaFailoverBench {
    private static final long RUN_MILLIS = 3_600_000;
    private static final long VALUE_TIMEOUT_MILLIS = 5_000;

    /** What one set-up's moves showed. */
    static final class Tally {
        final String setup;
        final Map<Trigger, List<Long>> failoverGaps = new EnumMap<>(Trigger.class);
        final Map<Trigger, List<Long>> failbackGaps = new EnumMap<>(Trigger.class);
        int moves;
        int resets;
        int serverFirstKept;
        int serverFirstTried;
        int newConnectionFailures;

        Tally(String setup) {
            this.setup = setup;
        }

        List<Long> allGaps() {
            List<Long> all = new ArrayList<>();
            failoverGaps.values().forEach(all::addAll);
            failbackGaps.values().forEach(all::addAll);
            return all;
        }
    }

    private HaFailoverBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].matches("[1-9]\\d*") || !args[1].matches("[1-9]\\d*")) {
            System.err.println("usage: HaFailoverBench CYCLES CONTROL_CYCLES");
            System.exit(2);
        }
        int cycles = Integer.parseInt(args[0]);
        int controlCycles = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("ha-bench");
        List<Tally> tallies = List.of(
                run(dir.resolve("shipped"), "as shipped (conntrackd, be_liberal=1)", PairLab.Options.SHIPPED, cycles),
                run(dir.resolve("strict"), "conntrackd, be_liberal=0", new PairLab.Options(true, 0), controlCycles),
                run(
                        dir.resolve("control"),
                        "without conntrackd (control)",
                        new PairLab.Options(false, null),
                        controlCycles));
        print(tallies, cycles, controlCycles);
    }

    private static Tally run(Path dir, String setup, PairLab.Options options, int cycles) throws Exception {
        Files.createDirectories(dir);
        Tally tally = new Tally(setup);
        System.err.println("ha-bench: " + setup + ", " + cycles + " cycles");
        try (PairLab lab = PairLab.start(dir, options)) {
            RedisPinger pinger = pinger(lab);
            try {
                for (int cycle = 0; cycle < cycles; cycle++) {
                    Trigger trigger = Trigger.values()[cycle % Trigger.values().length];
                    try (BlockedPop blocked = BlockedPop.start(lab, "queue")) {
                        pinger = record(tally, tally.failoverGaps, trigger, pinger, lab, true);
                        blocked.push("cycle-" + cycle);
                        tally.serverFirstTried++;
                        if (blocked.awaitValue(VALUE_TIMEOUT_MILLIS).isPresent() && blocked.sameConnection()) {
                            tally.serverFirstKept++;
                        }
                    }
                    pinger = record(tally, tally.failbackGaps, trigger, pinger, lab, false);
                }
            } catch (Exception | AssertionError e) {
                System.err.println("ha-bench: " + setup + " stopped: " + e + "\n" + lab.diagnostics());
                throw e;
            } finally {
                pinger.close();
            }
        }
        return tally;
    }

    /** One move; a connection reset by it is counted and replaced by a new one, its gap left out. */
    private static RedisPinger record(
            Tally tally,
            Map<Trigger, List<Long>> gaps,
            Trigger trigger,
            RedisPinger pinger,
            PairLab lab,
            boolean failover)
            throws Exception {
        Move move = failover ? PairDrill.failover(lab, pinger, trigger) : PairDrill.failback(lab, pinger, trigger);
        tally.moves++;
        if (!move.newConnection().matches("\\d+")) {
            tally.newConnectionFailures++;
        }
        System.err.println("ha-bench:   " + move);
        if (pinger.failure().isPresent()) {
            tally.resets++;
            pinger.close();
            return pinger(lab);
        }
        gaps.computeIfAbsent(trigger, t -> new ArrayList<>()).add(move.gapMillis());
        return pinger;
    }

    private static RedisPinger pinger(PairLab lab) throws Exception {
        return RedisPinger.start(lab.client, PairLab.FLOATING_PUBLIC, PairLab.PORT, RUN_MILLIS);
    }

    static void print(List<Tally> tallies, int cycles, int controlCycles) {
        System.out.println("One redis connection asks CLIENT ID every " + RedisPinger.PERIOD_MILLIS
                + " ms through the floating address; " + cycles + " cycles as shipped, " + controlCycles
                + " in each control (a cycle: failover, then failback), the triggers taking turns. Gap: the"
                + " longest time without an answer around a move, for the moves the connection outlived.\n");
        System.out.println("| set-up | moves | connection reset | longest gap: max / median / p90 | server-first"
                + " connection kept after failover | new connection at once |");
        System.out.println("|---|---|---|---|---|---|");
        for (Tally tally : tallies) {
            System.out.printf(
                    "| %s | %d | %d | %s | %d of %d | %d of %d |%n",
                    tally.setup,
                    tally.moves,
                    tally.resets,
                    spread(tally.allGaps()),
                    tally.serverFirstKept,
                    tally.serverFirstTried,
                    tally.moves - tally.newConnectionFailures,
                    tally.moves);
        }
        Tally shipped = tallies.get(0);
        System.out.println("\nAs shipped, by trigger (gap max / median / p90):\n");
        System.out.println("| trigger | failover | failback |");
        System.out.println("|---|---|---|");
        for (Trigger trigger : Trigger.values()) {
            System.out.printf(
                    "| %s / %s | %s | %s |%n",
                    trigger.failover,
                    trigger.failback,
                    spread(shipped.failoverGaps.getOrDefault(trigger, List.of())),
                    spread(shipped.failbackGaps.getOrDefault(trigger, List.of())));
        }
    }

    private static String spread(List<Long> gaps) {
        if (gaps.isEmpty()) {
            return "–";
        }
        List<Long> sorted = gaps.stream().sorted().toList();
        return String.format(
                "%d / %d / %d ms (n=%d)",
                sorted.get(sorted.size() - 1),
                sorted.get(sorted.size() / 2),
                sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.9) - 1)),
                sorted.size());
    }
}
