package dev.natagent.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The state's forward index answers as a scan of every forward does, through adds, replaces and removes. */
class ForwardIndexTest {
    private static final String[] HOSTS = {"a.example", "b.example", "c.example"};

    @Test
    void indexMatchesAFullScanAfterEveryChange() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            // Start from a built (un-indexed) state half the time, so derived and lazily built (one-pass)
            // indexes are both checked.
            NatState state =
                    random.nextBoolean() ? NatState.empty() : NatState.of(Settings.DEFAULTS, seeds(random), List.of());
            for (int step = 0; step < 200; step++) {
                String name = "f" + random.nextInt(30);
                state = random.nextInt(3) == 0 ? state.withoutForward(name) : state.withForward(forward(random, name));
                if (random.nextInt(4) == 0) {
                    Protocol proto = random.nextBoolean() ? Protocol.TCP : Protocol.UDP;
                    PortRange range = range(random);
                    assertEquals(
                            scanOverlapping(state, proto, range),
                            sorted(state.forwardsOverlapping(proto, range)),
                            "seed " + seed + " step " + step + " " + proto + " " + range);
                    assertEquals(scanHosts(state), List.copyOf(state.dnsHosts()), "seed " + seed + " step " + step);
                }
            }
        }
    }

    @Test
    void dnsHostsOfAStateNotYetIndexedAreThoseOfItsIndex() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            NatState read = NatState.of(Settings.DEFAULTS, seeds(random), List.of());
            List<String> beforeIndex = List.copyOf(read.dnsHosts());
            assertEquals(scanHosts(read), beforeIndex, "seed " + seed);
            read.forwardsOverlapping(Protocol.TCP, new PortRange(1, 65_535));
            assertEquals(beforeIndex, List.copyOf(read.dnsHosts()), "seed " + seed + ", indexed");
        }
    }

    /** Up to 30 forwards named as the changes name them, so that changes replace and remove them. */
    private static List<Forward> seeds(Random random) {
        List<Forward> forwards = new ArrayList<>();
        for (int i = random.nextInt(31); i > 0; i--) {
            forwards.add(forward(random, "f" + i));
        }
        return forwards;
    }

    private static Forward forward(Random random, String name) {
        PortRange listen = range(random);
        List<Target> targets = new ArrayList<>();
        // A port range maps its ports to targets in order.
        for (int i = listen.first(); i <= listen.last(); i++) {
            targets.add(target(random));
        }
        return new Forward(
                name,
                random.nextBoolean() ? Protocol.TCP : Protocol.UDP,
                listen,
                targets,
                List.of(),
                ReturnPath.MASQUERADE);
    }

    /** Mostly single ports near each other, sometimes wide, sometimes at the ends of the port space. */
    private static PortRange range(Random random) {
        int first =
                switch (random.nextInt(5)) {
                    case 0 -> 1;
                    case 1 -> 65_535 - random.nextInt(20);
                    default -> 1_000 + random.nextInt(60);
                };
        int width = random.nextInt(4) == 0 ? random.nextInt(50) : 0;
        return new PortRange(first, Math.min(65_535, first + width));
    }

    private static List<String> scanOverlapping(NatState state, Protocol proto, PortRange range) {
        List<String> names = new ArrayList<>();
        for (Forward forward : state.forwards().values()) {
            if (forward.proto() == proto && forward.listen().overlaps(range)) {
                names.add(forward.name());
            }
        }
        return names;
    }

    /** Few hosts and ports, so that forwards share targets (and a range lists one target twice). */
    private static Target target(Random random) {
        String host = random.nextBoolean() ? HOSTS[random.nextInt(HOSTS.length)] : "10.0.1." + (1 + random.nextInt(9));
        return new Target(host, random.nextBoolean() ? 80 : 8080);
    }

    /** Names in name order of the forwards sending {@code proto} to {@code target}. */
    private static List<String> sorted(List<Forward> forwards) {
        return forwards.stream()
                .map(Forward::name)
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    private static List<String> scanHosts(NatState state) {
        Set<String> hosts = new TreeSet<>();
        for (Forward forward : state.forwards().values()) {
            for (Target target : forward.targets()) {
                if (target.isDnsName()) {
                    hosts.add(target.host());
                }
            }
        }
        return List.copyOf(hosts);
    }
}
