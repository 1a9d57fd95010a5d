package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.testing.KernelTests;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs demo/run.sh, the first thing a new user runs, end to end: with redis-server and
 * redis-cli, and with the built-in RespEcho stand-in and bash's /dev/tcp client; and its cluster
 * mode with a real six-node Redis cluster.
 */
@Tag(KernelTests.TAG)
class DemoTest {
    /** The demo takes ~10 s with redis-server and ~20 s with three RespEcho JVMs. */
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static final Pattern COUNTERS =
            Pattern.compile("(?m)^ {4}redis +tcp 6379-6381 +198\\.51\\.100\\.27/32 +masquerade +(\\d+)[kMG]? +\\S+ ");

    @ParameterizedTest(name = "DEMO_BUILTIN={0}")
    @ValueSource(strings = {"0", "1"})
    void showsTrustedClientReachingEachNodeAndUntrustedRefused(String builtin) throws Exception {
        KernelTests.requireKernel();
        if (builtin.equals("0")) {
            Project.requireTools("redis-server", "redis-cli");
        }
        Project.Result demo = Project.run(
                Map.of("DEMO_BUILTIN", builtin, "DEMO_TIMEOUT", "2"),
                List.of(Project.path("demo/run.sh").toString()),
                TIMEOUT);

        String out = demo.stdout();
        assertEquals(0, demo.exitCode(), demo::describe);
        assertAll(
                () -> contains(out, builtin.equals("0") ? "cache node per namespace: redis-server" : "RespEcho"),
                () -> contains(out, "$ natctl forward add redis --listen 6379-6381"),
                () -> contains(out, "ok    203.0.113.73:6379 -> PONG, run_id"),
                () -> contains(out, "ok    203.0.113.73:6380 -> PONG, run_id"),
                () -> contains(out, "ok    203.0.113.73:6381 -> PONG, run_id"),
                () -> contains(out, "ok    203.0.113.73:6379 no answer"),
                () -> contains(out, "ok    203.0.113.73:6380 no answer"),
                () -> contains(out, "ok    203.0.113.73:6381 no answer"),
                () -> contains(out, "All checks passed"),
                () -> contains(out, "removed namespaces"),
                () -> contains(
                        out, "host ruleset (nft list ruleset) and sysctls (ip_forward, send_redirects) unchanged"),
                () -> assertTrue(!out.contains("FAIL"), out),
                () -> assertTrue(!out.contains("\033["), "no terminal escapes when output is not a terminal"));

        // The list after the traffic counts the trusted client's connections (first packets).
        Matcher rows = COUNTERS.matcher(out);
        assertTrue(rows.find(), out);
        assertEquals("0", rows.group(1), "just after the add nothing has been forwarded yet");
        assertTrue(rows.find(), "a second forward list, after the traffic:\n" + out);
        assertTrue(Long.parseLong(rows.group(1)) >= 3, "live counters show the trusted connections:\n" + out);
    }

    @Test
    void clusterModeShowsRedisCliReachingEveryKeyThroughTheMapAcrossAFailover() throws Exception {
        KernelTests.requireKernel();
        Project.requireTools("redis-server", "redis-cli");
        Project.Result demo = Project.run(
                Map.of("DEMO_TIMEOUT", "2"), List.of(Project.path("demo/run.sh").toString(), "cluster"), TIMEOUT);

        String out = demo.stdout();
        assertEquals(0, demo.exitCode(), demo::describe);
        assertAll(
                () -> contains(out, "ok    cluster_state:ok on all six nodes"),
                () -> contains(out, "10.0.1.16:6379 -> 203.0.113.73:7005"),
                () -> contains(out, "ok    the private address"),
                () -> contains(out, "-> map -> 203.0.113.73:70"),
                () -> contains(out, "ok    all 6 keys read back through the NAT on the nodes that own their slots"),
                () -> contains(out, "ok    the map is unchanged: every node kept its listen port"),
                () -> contains(out, "ok    all 6 keys read back through the NAT after the failover"),
                () -> contains(out, "All checks passed"),
                () -> contains(
                        out, "host ruleset (nft list ruleset) and sysctls (ip_forward, send_redirects) unchanged"),
                () -> assertTrue(!out.contains("    FAIL  "), out));
    }

    private static void contains(String output, String line) {
        assertTrue(output.contains(line), () -> "missing '" + line + "' in:\n" + output);
    }
}
