package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.api.AdminServer;
import dev.natagent.agent.api.FakeOperations;
import dev.natagent.agent.api.TestSockets;
import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterNode;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.Role;
import dev.natagent.agent.protocol.Finding;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.Health;
import dev.natagent.agent.protocol.TargetView;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * natctl's tables for people, byte for byte at 80 columns (golden/tables/ in the test resources):
 * the ElastiCache guide's forwards with long DNS names and several CIDRs, doctor's findings with
 * their fixes, status. No line of them is wider than the terminal and none breaks inside a word;
 * -o wide has every field; colour only where the terminal takes it.
 */
class NatctlTablesTest {
    private static final int COLUMNS = 80;
    private static final int WIDE = 200;

    @TempDir
    Path dir;

    private final FakeOperations operations = new Counted();
    private AdminServer server;

    /** The fake agent with live-looking figures: counters and health per forward. */
    private static final class Counted extends FakeOperations {
        @Override
        public synchronized List<ForwardView> listForwards() {
            List<ForwardView> views = new ArrayList<>();
            long packets = 18_734;
            for (ForwardView view : super.listForwards()) {
                List<TargetView> targets = new ArrayList<>();
                for (TargetView target : view.targets()) {
                    targets.add(new TargetView(target.target(), target.address(), Health.UP));
                }
                views.add(new ForwardView(
                        view.name(),
                        view.proto(),
                        view.listen(),
                        targets,
                        view.allow(),
                        view.snat(),
                        packets,
                        packets * 1_337,
                        Health.UP));
                packets *= 41;
            }
            return views;
        }

        /** As listed, except that the first target's name has stopped resolving (get shows since when and why). */
        @Override
        public synchronized ForwardView getForward(String name) {
            for (ForwardView view : listForwards()) {
                if (view.name().equals(name)) {
                    List<TargetView> targets = new ArrayList<>(view.targets());
                    TargetView first = targets.get(0);
                    if (!first.target().startsWith(first.address() + ":")) {
                        targets.set(
                                0,
                                new TargetView(
                                        first.target(),
                                        first.address(),
                                        first.health(),
                                        "stale",
                                        "2026-12-03T01:02:03Z",
                                        "no answer within 2 s"));
                    }
                    return new ForwardView(
                            view.name(),
                            view.proto(),
                            view.listen(),
                            targets,
                            view.allow(),
                            view.snat(),
                            view.packets(),
                            view.bytes(),
                            view.health());
                }
            }
            return super.getForward(name);
        }
    }

    @BeforeEach
    void seed() throws Exception {
        server = TestSockets.start(dir, operations);
        ok(
                "forward",
                "add",
                "redis",
                "--listen",
                "6379-6381",
                "--to",
                "redis-0001-001.redis.x1y2z3.use1.cache.amazonaws.com:6379,"
                        + "redis-0001-002.redis.x1y2z3.use1.cache.amazonaws.com:6379,"
                        + "redis-0001-003.redis.x1y2z3.use1.cache.amazonaws.com:6379",
                "--allow",
                "198.51.100.27/32,203.0.113.0/24,192.0.2.0/24");
        ok(
                "forward",
                "add",
                "memcached",
                "--listen",
                "11211-11213",
                "--to",
                "10.0.1.240:11211,10.0.1.241:11211,10.0.1.242:11211",
                "--snat",
                "10.0.0.55");
        ok("forward", "add", "dns", "--proto", "udp", "--listen", "53", "--to", "10.0.0.2:53", "--snat", "none");
        ok(
                "outbound",
                "add",
                "private",
                "--source",
                "10.0.0.0/16,10.1.0.0/16,10.2.0.0/16,10.3.0.0/16",
                "--out",
                "ens5");
        operations.findings(List.of(
                new Finding(
                        Finding.Severity.ERROR,
                        "ip_forward",
                        "net.ipv4.ip_forward is 0: the kernel drops every forwarded packet",
                        "sysctl -w net.ipv4.ip_forward=1 (or let the agent manage it: settings.manage_ip_forward)"),
                new Finding(
                        Finding.Severity.WARNING,
                        "rp_filter",
                        "strict reverse-path filtering (rp_filter=1) on ens5, ens6",
                        "sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.ens5.rp_filter=2"
                                + " net.ipv4.conf.ens6.rp_filter=2 (2 is loose; 0 turns the check off)"),
                new Finding(Finding.Severity.OK, "kernel_table", "table ip nat_agent is in sync", ""),
                new Finding(
                        Finding.Severity.OK,
                        "return_route",
                        "forward dns has snat none: its targets must route replies through this instance",
                        "")));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void forwardListFitsEightyColumns() {
        assertGolden("forward-list.txt", natctl(COLUMNS, "forward", "list"));
    }

    @Test
    void forwardListWideHasEveryFieldAndExactCounters() {
        String wide = natctl(COLUMNS, "forward", "list", "-o", "wide");
        keepActual("forward-list-wide.txt", wide);
        assertEquals(golden("forward-list-wide.txt"), wide);
        assertTrue(wide.contains(" 768094 "), "exact packets: " + wide);
    }

    @Test
    void forwardGetAndDoctorAndStatusAndOutboundsFitEightyColumns() {
        assertGolden("forward-get.txt", natctl(COLUMNS, "forward", "get", "redis"));
        assertGolden("doctor.txt", natctlExpecting(ExitCode.REFUSED, COLUMNS, "doctor"));
        assertGolden("status.txt", natctl(COLUMNS, "status"));
        assertGolden("outbound-list.txt", natctl(COLUMNS, "outbound", "list"));
    }

    /**
     * One forward is a "key: value" line per field, not the list's table: exact counters with the
     * short form, and for a DNS target that stopped resolving, since when and why.
     */
    @Test
    void forwardGetIsALinePerField() {
        String get = natctl(COLUMNS, "forward", "get", "redis");
        assertTrue(get.startsWith("name:     redis\nproto:    tcp\nlisten:   6379-6381\n"), get);
        assertFalse(get.contains("NAME"), "no table header: " + get);
        assertTrue(get.contains("\npackets:  31491854 (31M)\n"), get);
        assertTrue(get.replaceAll("\n +", " ").contains("stale since 2026-12-03T01:02:03Z: no answer within 2 s"), get);
        assertTrue(get.endsWith("\nhealth:   up\n"), get);
        for (String line : get.split("\n")) {
            assertTrue(line.matches("[a-z]+: +\\S.*| {10}\\S.*| {14}\\S.*"), "a field or its continuation: " + line);
        }
        assertFitsAndKeepsWords(natctl(60, "forward", "get", "redis"), 60);
        String coloured = run(new Terminal(COLUMNS, true), 0, "forward", "get", "redis");
        assertTrue(coloured.endsWith("health:   \u001b[32mup\u001b[0m\n"), coloured);
    }

    /** --json prints the agent's result, and its error object, as the agent sent them. */
    @Test
    void jsonIsTheAgentsOwn() {
        Map<String, String> outputs = Map.of(
                "forward-list.json", natctl(COLUMNS, "--json", "forward", "list"),
                "forward-get-missing.json",
                        natctlExpecting(ExitCode.REFUSED, COLUMNS, "--json", "forward", "get", "nosuch"),
                "forward-add-refused.json",
                        natctlExpecting(
                                ExitCode.REFUSED,
                                COLUMNS,
                                "--json",
                                "forward",
                                "add",
                                "redis",
                                "--listen",
                                "6379",
                                "--to",
                                "10.0.1.230:6379"));
        outputs.forEach(NatctlTablesTest::keepActual);
        outputs.forEach((name, output) -> assertEquals(golden(name), output, name));
    }

    /**
     * A followed cluster: its row, its polls and its nodes (one advertised by name, one vanished),
     * and its address map both ways; wide enough for every column.
     */
    @Test
    void clusterListGetAndMap() {
        operations.putCluster(new Cluster(
                ModelJson.read(
                        "{\"name\":\"orders\",\"engine\":\"redis\",\"tls\":true,\"listen\":\"7000-7009\","
                                + "\"endpoint\":\"clustercfg.orders.x1y2z3.use1.cache.amazonaws.com:6379\","
                                + "\"allow\":[\"198.51.100.27/32\",\"203.0.113.0/24\"],\"public_address\":\"203.0.113.73\"}",
                        ClusterSpec.class),
                3,
                List.of(
                        new ClusterNode(
                                "a1",
                                "orders-0001-001.orders.x1y2z3.use1.cache.amazonaws.com",
                                Ipv4.parse("10.0.1.230"),
                                6379,
                                Role.PRIMARY,
                                7000,
                                null),
                        new ClusterNode("b2", null, Ipv4.parse("10.0.1.231"), 6379, Role.REPLICA, 7001, null),
                        new ClusterNode(
                                "c3", null, Ipv4.parse("10.0.1.232"), 6379, Role.PRIMARY, 7002, 1_800_000_000L))));
        Map<String, String> outputs = Map.of(
                "cluster-list.txt", natctl(WIDE, "cluster", "list"),
                "cluster-get.txt", natctl(WIDE, "cluster", "get", "orders"),
                "cluster-map.json", natctl(COLUMNS, "cluster", "map", "orders"),
                "cluster-map.txt", natctl(COLUMNS, "cluster", "map", "orders", "--format", "list"));
        outputs.forEach(NatctlTablesTest::keepActual);
        outputs.forEach((name, output) -> assertEquals(golden(name), output, name));
        String map = outputs.get("cluster-map.json");
        assertEquals(map, natctl(COLUMNS, "--json", "cluster", "map", "orders"));
    }

    /** The width is the terminal's: a narrower one wraps more, still between words. */
    @Test
    void aNarrowTerminalWrapsInsideCellsNotInsideWords() {
        String narrow = natctl(60, "forward", "list");
        assertFitsAndKeepsWords(narrow, 60);
        assertTrue(
                narrow.lines().anyMatch(l -> l.trim().equals("203.0.113.0/24,")),
                "a list wraps after commas: " + narrow);
        assertFalse(narrow.contains("BYTES"), "columns -o wide has give way: " + narrow);
    }

    @Test
    void colourOnlyWhereTheTerminalTakesIt() {
        String plain = run(new Terminal(COLUMNS, false), ExitCode.REFUSED, "doctor");
        assertFalse(plain.contains("\u001b["), plain);
        String coloured = run(new Terminal(COLUMNS, true), ExitCode.REFUSED, "doctor");
        assertTrue(coloured.contains("\u001b[31merror\u001b[0m"), coloured);
        assertTrue(coloured.contains("\u001b[33mwarning\u001b[0m"), coloured);
        assertEquals(plain, coloured.replaceAll("\u001b\\[[0-9;]*m", ""), "colour changes no layout");
        assertFalse(
                run(new Terminal(COLUMNS, true), 0, "--json", "forward", "list").contains("\u001b["), "never in JSON");
    }

    @Test
    void theTerminalIsColumnsElseTheTtysElseEighty() {
        assertEquals(new Terminal(132, true), Terminal.detect(Map.of("COLUMNS", "132"), true, () -> 100));
        assertEquals(new Terminal(100, true), Terminal.detect(Map.of(), true, () -> 100));
        assertEquals(new Terminal(80, true), Terminal.detect(Map.of("COLUMNS", "x"), true, () -> 0));
        assertEquals(new Terminal(80, false), Terminal.detect(Map.of(), false, () -> 100), "not a tty");
        assertEquals(new Terminal(90, false), Terminal.detect(Map.of("COLUMNS", "90"), false, () -> 100));
        assertEquals(new Terminal(100, false), Terminal.detect(Map.of("NO_COLOR", "1"), true, () -> 100), "NO_COLOR");
        assertEquals(new Terminal(100, false), Terminal.detect(Map.of("TERM", "dumb"), true, () -> 100));
        assertEquals(
                new Terminal(100, true),
                Terminal.detect(Map.of("NO_COLOR", ""), true, () -> 100),
                "an empty NO_COLOR does not count");
    }

    private void assertGolden(String name, String output) {
        keepActual(name, output);
        assertFitsAndKeepsWords(output, COLUMNS);
        assertEquals(golden(name), output, name);
    }

    /** A differing output is left in target/golden-actual/ to compare (and to adopt, if meant). */
    private static void keepActual(String name, String output) {
        if (!output.equals(golden(name))) {
            try {
                Path actual = Path.of("target", "golden-actual", name);
                java.nio.file.Files.createDirectories(actual.getParent());
                java.nio.file.Files.writeString(actual, output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** No line wider than the terminal; every word of the fixtures appears whole. */
    private static void assertFitsAndKeepsWords(String output, int columns) {
        for (String line : output.split("\n")) {
            assertTrue(line.length() <= columns, "wider than " + columns + ": '" + line + "'\n" + output);
        }
        for (String word : List.of(
                "redis-0001-002.redis.x1y2z3.use1.cache.amazonaws.com:6379",
                "203.0.113.0/24",
                "10.0.1.241:11211",
                "net.ipv4.conf.ens6.rp_filter=2",
                "10.3.0.0/16")) {
            String joined = output.replaceAll(",\n *", ",");
            if (joined.contains(word.substring(0, 8))) {
                assertTrue(joined.contains(word), "'" + word + "' broken in\n" + output);
            }
        }
    }

    private String natctl(int columns, String... args) {
        return natctlExpecting(0, columns, args);
    }

    private String natctlExpecting(int exitCode, int columns, String... args) {
        return run(new Terminal(columns, false), exitCode, args);
    }

    private String run(Terminal terminal, int exitCode, String... args) {
        List<String> all =
                new ArrayList<>(List.of("--socket", server.socketPath().toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Natctl.run(
                all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true), terminal);
        assertEquals(exitCode, code, String.join(" ", args) + ": " + err);
        return out.toString();
    }

    private void ok(String... args) {
        natctl(COLUMNS, args);
    }

    static String golden(String name) {
        try (InputStream in = NatctlTablesTest.class.getResourceAsStream("golden/tables/" + name)) {
            if (in == null) {
                return "(missing golden file " + name + ")";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
