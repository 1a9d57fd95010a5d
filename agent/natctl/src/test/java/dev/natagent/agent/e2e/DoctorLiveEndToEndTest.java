package dev.natagent.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * natctl doctor and status against a real daemon in a namespace of its own, as an operator meets
 * them: what another program changes (an iptables DNAT, ip_forward) shows at the very next call,
 * once per forward, and status' health says what doctor's worst finding says.
 */
@Tag("kernel")
class DoctorLiveEndToEndTest {
    private static final String IPTABLES_DNAT =
            "-t nat -A PREROUTING -p tcp --dport 6379 -j DNAT --to-destination 10.9.9.9:6379";

    @TempDir
    Path dir;

    @Test
    void foreignChangesShowAtTheNextCallAndStatusAgreesWithDoctor() throws Exception {
        KernelTests.requireKernel();
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            CliResult.natctlOk(
                    agent,
                    "forward",
                    "add",
                    "redis",
                    "--listen",
                    "6379-6380",
                    "--to",
                    "10.0.1.230:6379,10.0.1.231:6379");
            CliResult.natctlOk(agent, "forward", "add", "memcached", "--listen", "11211", "--to", "10.0.1.240:11211");
            JsonNode clean = doctor(agent);
            assertEquals(List.of(), findings(clean, "foreign_dnat", "error"), clean.toString());

            agent.netns().execOk(("iptables-nft " + IPTABLES_DNAT).split(" "));
            JsonNode found = doctor(agent);
            CliResult human = CliResult.natctl(agent, "doctor");
            JsonNode status = status(agent);

            List<JsonNode> conflicts = findings(found, "foreign_dnat", null);
            assertEquals(1, conflicts.size(), found.toString());
            String message = conflicts.get(0).path("message").asText();
            assertEquals("error", conflicts.get(0).path("severity").asText());
            assertTrue(message.startsWith("forward redis (tcp 6379-6380)"), message);
            assertTrue(message.contains("table ip nat chain PREROUTING"), message);
            assertTrue(message.contains("(iptables-nft -j DNAT) matches port 6379"), message);
            assertEquals(1, human.exitCode(), human.toString());
            JsonNode summary = found.path("summary");
            assertTrue(human.out().contains(summary.path("ok").asInt() + " ok, "), "summary line:\n" + human.out());
            assertEquals("degraded", status.path("health").asText(), status.toString());
            assertTrue(status.path("message").asText().contains("error"), status.toString());
            assertSameForwardAndCheckOnce(found);

            agent.netns()
                    .execOk(("iptables-nft " + IPTABLES_DNAT.replace("-A PREROUTING", "-D PREROUTING")).split(" "));
            agent.netns().execOk("sysctl", "-w", "net.ipv4.ip_forward=0");
            JsonNode off = doctor(agent);
            JsonNode offStatus = status(agent);

            assertEquals(1, findings(off, "ip_forward", "error").size(), off.toString());
            assertEquals(List.of(), findings(off, "foreign_dnat", "error"), off.toString());
            assertEquals("off", offStatus.path("ip_forward").asText(), offStatus.toString());
            assertTrue(
                    offStatus.path("message").asText().startsWith("ip_forward: net.ipv4.ip_forward is 0"),
                    offStatus.toString());

            agent.netns().execOk("sysctl", "-w", "net.ipv4.ip_forward=1");
            assertEquals(1, findings(doctor(agent), "ip_forward", "ok").size());
            assertEquals("on", status(agent).path("ip_forward").asText());
            agent.netns().execOk(("iptables-legacy " + IPTABLES_DNAT.replace("6379", "7000")).split(" "));
            System.out.println("DOCTOR LIVE: status median " + String.format("%.1f", medianMillis(agent, "status"))
                    + " ms, doctor median "
                    + String.format("%.1f", medianMillis(agent, "doctor"))
                    + " ms (2 forwards, tables ip nat (iptables-nft) and nat_agent,"
                    + " legacy nat table; 50 calls each on one connection)");
            agent.terminate();
        }
    }

    /**
     * return_route asks the kernel how it would forward the replies, so a route that only a policy
     * rule reaches (replies from the targets' subnet use table 100, as multi-interface instances
     * set up) counts, and a client the kernel would not forward to is an error naming it.
     */
    @Test
    void returnRouteIsTheKernelsDecisionWithPolicyRules() throws Exception {
        KernelTests.requireKernel();
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir);
                Netns side = Netns.create()) {
            Netns.veth(agent.netns(), "n1", "10.0.1.1/24", side, "e0", "10.0.1.230/24");
            Netns.veth(agent.netns(), "c0", "198.51.100.1/24", side, "c1", "198.51.100.2/24");
            agent.netns().execOk("ip", "route", "add", "203.0.113.0/24", "via", "198.51.100.2", "table", "100");
            agent.netns().execOk("ip", "rule", "add", "from", "10.0.1.0/24", "lookup", "100");
            CliResult.natctlOk(
                    agent,
                    "forward",
                    "add",
                    "direct",
                    "--listen",
                    "8080",
                    "--to",
                    "10.0.1.230:80",
                    "--allow",
                    "203.0.113.0/24",
                    "--snat",
                    "none");

            JsonNode routed = doctor(agent);
            List<JsonNode> ok = findings(routed, "return_route", "ok");
            assertEquals(1, ok.size(), routed.toString());
            assertTrue(ok.get(0).path("message").asText().contains("(table 100)"), ok.toString());

            agent.netns().execOk("ip", "rule", "del", "from", "10.0.1.0/24", "lookup", "100");
            JsonNode unrouted = doctor(agent);
            List<JsonNode> errors = findings(unrouted, "return_route", "error");
            assertEquals(1, errors.size(), unrouted.toString());
            assertTrue(
                    errors.get(0).path("message").asText().endsWith("203.0.113.0/24 from 10.0.1.230: no route"),
                    errors.toString());
            assertSameForwardAndCheckOnce(unrouted);
            agent.terminate();
        }
    }

    private static double medianMillis(AgentDaemon agent, String op) throws Exception {
        List<Long> nanos = new ArrayList<>();
        try (var client = agent.connect()) {
            for (int i = 0; i < 50; i++) {
                long start = System.nanoTime();
                assertTrue(client.call(op, "{}").path("ok").asBoolean());
                nanos.add(System.nanoTime() - start);
            }
        }
        return nanos.stream().sorted().toList().get(nanos.size() / 2) / 1e6;
    }

    private static JsonNode doctor(AgentDaemon agent) throws Exception {
        CliResult result = CliResult.natctl(agent, "--json", "doctor");
        return TestJson.mapper().readTree(result.out());
    }

    private static JsonNode status(AgentDaemon agent) throws Exception {
        return TestJson.mapper()
                .readTree(CliResult.natctl(agent, "--json", "status").out());
    }

    /** Findings of {@code check} with {@code severity} (any when null). */
    private static List<JsonNode> findings(JsonNode report, String check, String severity) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode finding : report.path("findings")) {
            if (finding.path("check").asText().equals(check)
                    && (severity == null || finding.path("severity").asText().equals(severity))) {
                found.add(finding);
            }
        }
        return found;
    }

    /** No check says two things about one forward (e.g. error and ok return_route). */
    private static void assertSameForwardAndCheckOnce(JsonNode report) {
        List<String> keys = new ArrayList<>();
        for (JsonNode finding : report.path("findings")) {
            String message = finding.path("message").asText();
            String subject = message.startsWith("forward ") ? message.split("[ :]")[1] : "";
            String key = finding.path("check").asText() + "/" + subject;
            assertTrue(!keys.contains(key), "two findings for " + key + ": " + report);
            keys.add(key);
        }
    }
}
