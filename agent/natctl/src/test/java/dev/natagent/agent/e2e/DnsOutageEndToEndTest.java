package dev.natagent.agent.e2e;

import static dev.natagent.agent.e2e.NatLab.PUBLIC;
import static dev.natagent.agent.e2e.Polling.awaitTrue;
import static dev.natagent.agent.e2e.Polling.json;
import static dev.natagent.agent.e2e.Polling.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.cli.ExitCode;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS-name targets while the resolver does not answer: a real dnsmasq in a namespace of its own
 * (the NAT namespace's only nameserver, through a resolv.conf bind-mounted for the daemon alone),
 * silenced with SIGSTOP; real redis traffic from a client namespace through the DNAT.
 */
@Tag(KernelTests.TAG)
class DnsOutageEndToEndTest {
    private static final String NODE = "10.0.1.230";
    private static final String DNS_SERVER = "10.0.1.53";
    private static final String CLIENT = "198.51.100.10";
    /** glibc's defaults (5 s per try, 2 tries), as on an instance without resolver options. */
    private static final String GLIBC_DEFAULTS = "nameserver " + DNS_SERVER + "\n";
    /** One quick try, so that a test sees many failed lookups in little time. */
    private static final String ONE_QUICK_TRY = "nameserver " + DNS_SERVER + "\noptions timeout:1 attempts:1\n";
    /** systemd/nat-agent.service's TimeoutStartSec. */
    private static final long UNIT_START_TIMEOUT_MILLIS = 90_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final LabPerTest lab = new LabPerTest(() -> dir);

    private Netns client;
    private Path hostsFile;
    private long dnsmasq;

    @BeforeEach
    void nodeClientAndResolver() throws Exception {
        client = lab.get().client(CLIENT);
        lab.get().redis(lab.get().node(NODE), NODE);
        hostsFile = Files.writeString(dir.resolve("dns-hosts"), hosts(NODE, "good.test"));
        dnsmasq = lab.get().dnsmasq(lab.get().node(DNS_SERVER), DNS_SERVER, hostsFile);
    }

    @Test
    void restartWhileDnsIsSilentKeepsTheForwardItsTrafficAndSaysItIsStale() throws Exception {
        AgentDaemon agent = lab.get()
                .agentWithResolvConf("{\"settings\":{\"resolve_interval_seconds\":1}}", ONE_QUICK_TRY)
                .start();
        CliResult.natctlOk(agent, "forward", "add", "g", "--listen", "9601", "--to", "good.test:6379");
        assertEquals("PONG", CacheClient.redis(client, PUBLIC, 9601, "PING"));

        agent.terminate();
        lab.get().signal(dnsmasq, "STOP");
        long started = System.nanoTime();
        agent.start();
        long startMillis = millisSince(started);

        assertTrue(
                lab.get().kernelTable().contains(NODE + " . 6379"),
                "element kept:\n" + lab.get().kernelTable());
        assertEquals("PONG", CacheClient.redis(client, PUBLIC, 9601, "PING"), "traffic right after the restart");
        awaitTrue(() -> target(agent, "g").path("dns").asText().equals("stale"), 10_000, "g's name reported stale");
        JsonNode target = target(agent, "g");
        assertEquals(NODE, target.path("address").asText(), target.toString());
        assertNotNull(target.path("stale_since").textValue(), target.toString());
        assertFalse(target.path("dns_error").asText().isEmpty(), target.toString());

        JsonNode status = json(CliResult.natctlOk(agent, "--json", "status"));
        assertEquals("degraded", status.path("health").asText(), status.toString());
        assertEquals(1, status.path("stale_targets").asInt(), status.toString());
        assertTrue(status.path("message").asText().contains("good.test:6379 (since "), status.toString());
        String finding = "";
        for (JsonNode f : json(CliResult.natctlOk(agent, "--json", "doctor")).path("findings")) {
            finding = f.path("check").asText().equals("target_resolved") ? f.toString() : finding;
        }
        assertTrue(finding.contains("\"warning\""), finding);
        assertTrue(finding.contains("good.test:6379 (since ") && finding.contains("stays in use (stale)"), finding);
        assertTrue(staleSeconds(CliResult.natctlOk(agent, "metrics", "--format", "prometheus"), "g") > 0);

        // Several more failed rounds: the journal says it once (a reminder comes after an hour).
        long failures = resolveFailures(agent);
        awaitTrue(() -> resolveFailures(agent) >= failures + 4, 20_000, "four more failed lookups");
        assertEquals(1, count(agent.log(), "cannot resolve good.test"), agent.log());
        assertEquals(0, count(agent.log(), "still does not resolve"), agent.log());
        assertTrue(lab.get().kernelTable().contains(NODE + " . 6379"), "element still kept");
        assertEquals("PONG", CacheClient.redis(client, PUBLIC, 9601, "PING"), "traffic during the outage");

        lab.get().signal(dnsmasq, "CONT");
        awaitTrue(() -> target(agent, "g").path("dns").asText().equals("resolved"), 15_000, "resolved again");
        awaitTrue(() -> count(agent.log(), "good.test resolves again, to " + NODE) == 1, 5_000, "the journal line");
        awaitTrue(
                () -> json(CliResult.natctlOk(agent, "--json", "status"))
                        .path("health")
                        .asText()
                        .equals("ok"),
                5_000,
                "health ok once the name resolves");
        assertEquals("PONG", CacheClient.redis(client, PUBLIC, 9601, "PING"));
        System.out.printf(
                "FIGURE dns-outage-restart: socket answered %d ms after the start with the resolver silent;"
                        + " %d failed lookups logged as 1 warning%n",
                startMillis, resolveFailures(agent));
    }

    @Test
    void withoutRememberedAddressesARestartTakesThemFromTheKernelTable() throws Exception {
        AgentDaemon agent = lab.get()
                .agentWithResolvConf("{\"settings\":{\"resolve_interval_seconds\":1}}", ONE_QUICK_TRY)
                .start();
        CliResult.natctlOk(agent, "forward", "add", "g", "--listen", "9601", "--to", "good.test:6379");
        agent.terminate();
        // As after an upgrade from a version that did not remember addresses, or a lost file.
        Files.deleteIfExists(agent.stateDir().resolve("addresses.json"));
        lab.get().signal(dnsmasq, "STOP");
        agent.start();

        assertTrue(
                lab.get().kernelTable().contains(NODE + " . 6379"),
                "element kept:\n" + lab.get().kernelTable());
        assertEquals("PONG", CacheClient.redis(client, PUBLIC, 9601, "PING"));
        awaitTrue(() -> target(agent, "g").path("dns").asText().equals("stale"), 10_000, "g's name reported stale");
        assertEquals(NODE, target(agent, "g").path("address").asText());
        lab.get().signal(dnsmasq, "CONT");
        awaitTrue(() -> target(agent, "g").path("dns").asText().equals("resolved"), 15_000, "resolved again");
        awaitTrue(
                () -> Files.readString(agent.stateDir().resolve("addresses.json"))
                        .contains("\"good.test\":{\"address\":\"" + NODE + "\""),
                5_000,
                "the confirmed address remembered again");
    }

    @Test
    void manySilentNamesDelayNeitherStartUpNorAnApply() throws Exception {
        StringBuilder hosts = new StringBuilder();
        List<String> forwards = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            hosts.append(hosts(NODE, "good-" + i + ".test"));
            forwards.add(forward("good" + i, 9600 + i, "good-" + i + ".test:6379"));
            forwards.add(forward("gone" + i, 9610 + i, "gone-" + i + ".test:6379"));
        }
        Files.writeString(hostsFile, hosts);
        lab.get().signal(dnsmasq, "HUP");
        AgentDaemon agent = lab.get().agentWithResolvConf("{}", GLIBC_DEFAULTS).start();
        CliResult.natctlOk(agent, "apply", document(dir.resolve("first.json"), forwards));
        for (int i = 1; i <= 7; i++) {
            assertEquals("PONG", CacheClient.redis(client, PUBLIC, 9600 + i, "PING"), "good" + i);
        }

        lab.get().signal(dnsmasq, "STOP");
        for (int i = 1; i <= 7; i++) {
            forwards.add(forward("late" + i, 9620 + i, "late-" + i + ".test:6379"));
        }
        long applied = System.nanoTime();
        CliResult apply = CliResult.natctl(
                agent.socket(), "--timeout", "10", "apply", document(dir.resolve("second.json"), forwards));
        long applyMillis = millisSince(applied);
        assertEquals(0, apply.exitCode(), apply.toString());
        assertTrue(applyMillis < 5_000, "apply of 7 new silent names took " + applyMillis + " ms");
        JsonNode late = target(agent, "late1");
        assertTrue(List.of("resolving", "unresolved").contains(late.path("dns").asText()), late.toString());

        agent.terminate();
        long started = System.nanoTime();
        agent.start();
        long startMillis = millisSince(started);
        assertTrue(
                startMillis < UNIT_START_TIMEOUT_MILLIS / 6,
                "21 silent names: the socket answered after " + startMillis + " ms");
        String table = lab.get().kernelTable();
        for (int i = 1; i <= 7; i++) {
            assertEquals("PONG", CacheClient.redis(client, PUBLIC, 9600 + i, "PING"), "good" + i + " after restart");
            assertTrue(table.contains("tcp . " + (9600 + i) + " : " + NODE + " . 6379"), table);
        }
        System.out.printf(
                "FIGURE dns-silent-start: 21 names, resolver silent (glibc 5 s x 2): apply of 7 new names %d ms,"
                        + " socket answering %d ms after the start (unit allows %d ms)%n",
                applyMillis, startMillis, UNIT_START_TIMEOUT_MILLIS);
    }

    @Test
    void anIpOnlyChangeDoesNotWaitForAnotherClientsLookup() throws Exception {
        AgentDaemon agent = lab.get()
                .agentWithResolvConf("{\"settings\":{\"resolve_interval_seconds\":1}}", GLIBC_DEFAULTS)
                .start();
        lab.get().signal(dnsmasq, "STOP");
        CompletableFuture<CliResult> slow = CompletableFuture.supplyAsync(() ->
                CliResult.natctl(agent, "forward", "add", "slow", "--listen", "9602", "--to", "silent.test:6379"));
        // The slow client's request is in the daemon well before this, and its lookup takes longer.
        Thread.sleep(500);
        long started = System.nanoTime();
        CliResult.natctlOk(agent, "forward", "add", "ip", "--listen", "9601", "--to", NODE + ":6379");
        long ipMillis = millisSince(started);
        assertTrue(ipMillis < 1_000, "the IP-only add waited " + ipMillis + " ms");
        assertFalse(slow.isDone(), "the other client's change is still waiting for its name's lookup");
        assertEquals("PONG", CacheClient.redis(client, PUBLIC, 9601, "PING"));
        CliResult slowResult = slow.get(30, TimeUnit.SECONDS);
        assertEquals(0, slowResult.exitCode(), slowResult.toString());
        assertTrue(List.of("resolving", "unresolved")
                .contains(target(agent, "slow").path("dns").asText()));
        assertFalse(lab.get().kernelTable().contains("tcp . 9602 :"), "no DNAT element without an address");

        // The acknowledged forward goes into the kernel once its name answers.
        Files.writeString(hostsFile, hosts(NODE, "good.test") + hosts(NODE, "silent.test"));
        lab.get().signal(dnsmasq, "HUP");
        lab.get().signal(dnsmasq, "CONT");
        awaitTrue(
                () -> lab.get().kernelTable().contains("tcp . 9602 : " + NODE + " . 6379"),
                30_000,
                "the slow forward's element once its name answers");
        assertEquals("PONG", CacheClient.redis(client, PUBLIC, 9602, "PING"));
        System.out.printf("FIGURE dns-ip-only-add: %d ms while another client's name did not answer%n", ipMillis);
    }

    @Test
    void addressesNoTargetMayHaveAreRefusedLiteralAndResolved() throws Exception {
        AgentDaemon agent = lab.get()
                .agentWithResolvConf("{\"settings\":{\"resolve_interval_seconds\":1}}", ONE_QUICK_TRY)
                .start();
        for (String literal : List.of("127.0.0.1", "0.0.0.0", "255.255.255.255", "224.0.0.1", "127.1.2.3")) {
            CliResult refused =
                    CliResult.natctl(agent, "forward", "add", "lit", "--listen", "9605", "--to", literal + ":6390");
            assertTrue(
                    refused.exitCode() == ExitCode.REFUSED || refused.exitCode() == ExitCode.USAGE, refused.toString());
            assertTrue(refused.err().contains(literal), refused.toString());
        }
        CliResult.natctlOk(agent, "forward", "add", "g", "--listen", "9601", "--to", "good.test:6379");
        Files.writeString(
                hostsFile,
                hosts(NODE, "good.test")
                        + hosts("127.0.0.1", "loop.test")
                        + hosts("255.255.255.255", "bcast.test")
                        + hosts("224.0.0.1", "mcast.test"));
        lab.get().signal(dnsmasq, "HUP");
        CliResult.natctlOk(agent, "forward", "add", "loop", "--listen", "9602", "--to", "loop.test:6379");
        CliResult.natctlOk(agent, "forward", "add", "bcast", "--listen", "9603", "--to", "bcast.test:6379");
        CliResult.natctlOk(agent, "forward", "add", "mcast", "--listen", "9604", "--to", "mcast.test:6379");
        for (String name : List.of("loop", "bcast", "mcast")) {
            JsonNode target = target(agent, name);
            assertEquals("unresolved", target.path("dns").asText(), target.toString());
            assertTrue(target.path("address").isNull(), target.toString());
            assertTrue(target.path("dns_error").asText().contains("cannot be a NAT target"), target.toString());
        }
        String table = lab.get().kernelTable();
        assertFalse(
                table.contains("127.0.0.1") || table.contains("255.255.255.255") || table.contains("224.0.0.1"), table);

        // A name that moves to loopback keeps its last good address.
        Files.writeString(hostsFile, hosts("127.0.0.1", "good.test"));
        lab.get().signal(dnsmasq, "HUP");
        awaitTrue(() -> target(agent, "g").path("dns").asText().equals("stale"), 10_000, "g stale");
        JsonNode g = target(agent, "g");
        assertEquals(NODE, g.path("address").asText(), g.toString());
        assertTrue(g.path("dns_error").asText().contains("loopback"), g.toString());
        assertTrue(lab.get().kernelTable().contains(NODE + " . 6379"));
        assertEquals("PONG", CacheClient.redis(client, PUBLIC, 9601, "PING"));
    }

    private static String hosts(String address, String name) {
        return address + " " + name + "\n";
    }

    private static String forward(String name, int port, String target) {
        return "{\"name\":\"" + name + "\",\"listen\":\"" + port + "\",\"to\":[\"" + target + "\"]}";
    }

    private static String document(Path file, List<String> forwards) throws IOException {
        return Files.writeString(file, "{\"forwards\":[" + String.join(",", forwards) + "]}")
                .toString();
    }

    private static JsonNode target(AgentDaemon agent, String forward) {
        return json(CliResult.natctlOk(agent, "--json", "forward", "get", forward))
                .path("targets")
                .get(0);
    }

    private static long resolveFailures(AgentDaemon agent) {
        Matcher m = Pattern.compile("(?m)^nat_agent_resolve_failures_total (\\d+)")
                .matcher(CliResult.natctlOk(agent, "metrics", "--format", "prometheus"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static double staleSeconds(String prometheus, String forward) {
        Matcher m = Pattern.compile(
                        "(?m)^nat_agent_forward_address_stale_seconds\\{forward=\"" + forward + "\"} ([0-9.eE+-]+)")
                .matcher(prometheus);
        assertTrue(m.find(), prometheus);
        return Double.parseDouble(m.group(1));
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
