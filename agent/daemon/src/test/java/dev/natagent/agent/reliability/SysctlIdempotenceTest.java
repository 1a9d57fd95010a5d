package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.testing.AdminClient;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sysctls are written only when they differ, with the real daemon. /proc/sys has no inotify, so a rewrite of ip_forward is
 * detected by its side effect: writing net.ipv4.ip_forward resets every interface's
 * conf/IFACE/forwarding. An interface's forwarding turned off by hand must survive several full
 * checks (run every second here); a control write shows the detector works. With /proc/sys
 * read-only (a private mount namespace of the agent only), status is degraded with the message
 * and doctor has the ip_forward finding.
 */
@Tag(KernelTests.TAG)
class SysctlIdempotenceTest {
    private static final String SET_IP_FORWARD = "set net.ipv4.ip_forward";
    private static final int CHECK_SECONDS = 1;
    private static final int CHECKS = 4;

    @TempDir
    Path dir;

    @Test
    void fullChecksNeverRewriteIpForwardThatIsOn() throws Exception {
        KernelTests.requireKernel();
        Path config = config();
        try (Netns netns = Netns.create()) {
            // Off whatever a new namespace inherits here (net.core.devconf_inherit_init_net).
            netns.execOk("sysctl", "-w", "net.ipv4.ip_forward=0");
            netns.execOk("ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            AgentDaemon.Launch launch = new AgentDaemon.Launch(
                    netns, dir.resolve("state"), dir.resolve("admin.sock"), config, dir.resolve("agent.log"));
            try (AgentDaemon agent = AgentDaemon.start(launch)) {
                assertEquals("1", sysctl(netns, "net.ipv4.ip_forward"));
                assertEquals(1, writesLogged(agent), agent.log());
                netns.execOk("sysctl", "-w", "net.ipv4.conf.v0.forwarding=0");

                Thread.sleep((CHECKS * CHECK_SECONDS + 1) * 1000L);
                assertEquals(
                        "0", sysctl(netns, "net.ipv4.conf.v0.forwarding"), "ip_forward was rewritten:\n" + agent.log());
                assertEquals(1, writesLogged(agent), agent.log());

                // Control: ip_forward off by hand; the next check writes it (once), which resets v0.
                netns.execOk("sysctl", "-w", "net.ipv4.ip_forward=0");
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!sysctl(netns, "net.ipv4.ip_forward").equals("1") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals("1", sysctl(netns, "net.ipv4.ip_forward"), "the full check did not restore ip_forward");
                assertEquals("1", sysctl(netns, "net.ipv4.conf.v0.forwarding"), "the detector missed a real write");
                assertEquals(2, writesLogged(agent), agent.log());
                agent.terminate();
            }
            System.out.println("RELIABILITY 9: " + CHECKS + "+ full checks (every " + CHECK_SECONDS
                    + " s) with ip_forward=1: 0 rewrites (net.ipv4.conf.v0.forwarding=0 survived); control: ip_forward"
                    + " set to 0 by hand was restored by the next check with exactly 1 write");
        }
    }

    @Test
    void aReadOnlyProcSysShowsInStatusAndDoctor() throws Exception {
        KernelTests.requireKernel();
        try (Netns netns = Netns.create()) {
            netns.execOk("sysctl", "-w", "net.ipv4.ip_forward=0");
            AgentDaemon.Launch launch = new AgentDaemon.Launch(
                            netns, dir.resolve("state"), dir.resolve("admin.sock"), config(), dir.resolve("agent.log"))
                    .withPrivateMounts("mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys");
            try (AgentDaemon agent = AgentDaemon.start(launch)) {
                JsonNode status = AdminClient.status(agent.socket());
                assertEquals("degraded", status.path("health").asText(), status.toString());
                String message = status.path("message").asText();
                assertTrue(message.contains("cannot write net.ipv4.ip_forward=1"), message);
                assertTrue(message.contains("Read-only file system"), message);
                assertEquals("off", status.path("ip_forward").asText());
                JsonNode finding = null;
                for (JsonNode f : AdminClient.ok(agent.socket(), "doctor", null).path("findings")) {
                    if (f.path("check").asText().equals("ip_forward")) {
                        finding = f;
                    }
                }
                assertTrue(finding != null, "no ip_forward finding");
                assertEquals("error", finding.path("severity").asText().toLowerCase(java.util.Locale.ROOT));
                assertTrue(message.contains(finding.path("message").asText()), finding.toString());
                assertEquals(
                        "0", sysctl(netns, "net.ipv4.ip_forward"), "the host side of the mount must be writable still");
                agent.terminate();
                System.out.println("RELIABILITY 9 (read-only /proc/sys): status degraded (" + message
                        + "), doctor ip_forward finding "
                        + finding.path("severity").asText());
            }
        }
    }

    private Path config() throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(
                config,
                """
                {"schema_version": 1,
                 "settings": {"manage_ip_forward": true, "full_check_interval_seconds": %d},
                 "forwards": [{"name": "redis", "listen": "6379", "to": ["10.0.1.230:6379"]}]}
                """
                        .formatted(CHECK_SECONDS));
        return config;
    }

    private static String sysctl(Netns netns, String key) throws IOException {
        return netns.execOk("sysctl", "-n", key).trim();
    }

    private static long writesLogged(AgentDaemon agent) {
        return agent.log().lines().filter(l -> l.contains(SET_IP_FORWARD)).count();
    }
}
