package dev.natagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.protocol.DoctorReport;
import dev.natagent.agent.protocol.Finding;
import dev.natagent.agent.protocol.Finding.Severity;
import dev.natagent.agent.protocol.StatusView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doctor over a scripted /proc: each silent NAT breaker is found and says what to do. */
class DoctorTest {
    @TempDir
    Path dir;

    private ServiceFixture agent;

    @BeforeEach
    void start() throws Exception {
        agent = ServiceFixture.fresh(dir);
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
    }

    @Test
    void aHealthyInstanceHasNoErrorOrWarning() throws Exception {
        agent.service.addForward(NatServiceTest.redis(), false);

        List<Finding> findings = agent.service.doctor().findings();

        assertEquals(Severity.OK, find(findings, "ip_forward").orElseThrow().severity());
        assertEquals(Severity.OK, find(findings, "kernel_table").orElseThrow().severity());
        assertEquals(Severity.OK, find(findings, "rp_filter").orElseThrow().severity());
        assertEquals(Severity.OK, find(findings, "foreign_dnat").orElseThrow().severity());
        assertFalse(findings.stream().anyMatch(f -> f.severity() == Severity.ERROR), findings.toString());
    }

    @Test
    void ipForwardOffIsAnErrorWithTheFix() throws Exception {
        agent.writeProc("sys/net/ipv4/ip_forward", "0");
        agent.sysctls.ensure(false);

        Finding finding = find(agent.service.doctor().findings(), "ip_forward").orElseThrow();

        assertEquals(Severity.ERROR, finding.severity());
        assertTrue(finding.fix().contains("net.ipv4.ip_forward=1"), finding.fix());
    }

    @Test
    void strictReversePathFilteringIsNamedByInterface() throws Exception {
        agent.writeProc("sys/net/ipv4/conf/eth0/rp_filter", "1");

        Finding finding = find(agent.service.doctor().findings(), "rp_filter").orElseThrow();

        assertEquals(Severity.WARNING, finding.severity());
        assertTrue(finding.message().contains("eth0"), finding.message());
        assertEquals(
                "run 'sysctl -w net.ipv4.conf.eth0.rp_filter=2' (2 is loose filtering; 0 turns it off) and persist it"
                        + " in /etc/sysctl.d",
                finding.fix());
    }

    @Test
    void aForeignDnatOnOurPortIsReportedForThatForwardOnly() throws Exception {
        agent.service.addForward(NatServiceTest.redis(), false);
        agent.service.addForward(NatServiceTest.memcached(), false);
        agent.foreignDnat.add(new Doctor.ForeignRule(
                "table ip nat chain PREROUTING handle 4 (dnat)",
                Optional.of(Protocol.TCP),
                PortSet.range(6380, 6380),
                -100));
        agent.foreignDnat.add(new Doctor.ForeignRule(
                "table ip nat chain PREROUTING handle 5 (dnat)",
                Optional.of(Protocol.UDP),
                PortSet.range(6379, 6379),
                -100));

        List<Finding> findings = agent.service.doctor().findings().stream()
                .filter(f -> f.check().equals("foreign_dnat"))
                .toList();

        assertEquals(1, findings.size(), findings.toString());
        Finding conflict = findings.get(0);
        assertEquals(Severity.ERROR, conflict.severity());
        assertTrue(conflict.message().startsWith("forward redis "), conflict.message());
        assertTrue(
                conflict.message().contains("handle 4 (dnat) matches port 6380 (priority -100, the same as ours"),
                conflict.message());
        assertFalse(conflict.message().contains("handle 5"), "a udp rule does not take tcp traffic");
    }

    @Test
    void theLegacyNatTableIsReadWhenItExistsAndSaysSoWhenItCannotBe() throws Exception {
        agent.service.addForward(NatServiceTest.redis(), false);
        assertEquals(
                Severity.OK,
                find(agent.service.doctor().findings(), "legacy_iptables")
                        .orElseThrow()
                        .severity());

        agent.writeProc("net/ip_tables_names", "filter\nnat\n");
        agent.legacyDnat.add(new Doctor.ForeignRule(
                "legacy iptables table nat chain PREROUTING rule 1 (-j DNAT)", Optional.empty(), PortSet.ALL, -100));
        List<Finding> findings = agent.service.doctor().findings();
        assertEquals(
                Severity.OK, find(findings, "legacy_iptables").orElseThrow().severity());
        Finding conflict = find(findings, "foreign_dnat").orElseThrow();
        assertEquals(Severity.ERROR, conflict.severity());
        assertTrue(
                conflict.message().contains("legacy iptables table nat chain PREROUTING rule 1"), conflict.message());

        agent.legacyUnreadable = new IOException("getsockopt(IPT_SO_GET_INFO): EPERM");
        findings = agent.service.doctor().findings();
        Finding unread = find(findings, "legacy_iptables").orElseThrow();
        assertEquals(Severity.WARNING, unread.severity());
        assertTrue(
                unread.message().contains("could not be read (getsockopt(IPT_SO_GET_INFO): EPERM)"), unread.message());
        Finding clean = find(findings, "foreign_dnat").orElseThrow();
        assertEquals(Severity.OK, clean.severity());
        assertFalse(clean.message().contains("legacy"), "no claim about what was not read: " + clean.message());
    }

    @Test
    void aForwardWithoutSnatNeedsARouteBackToItsClients() throws Exception {
        Forward direct = new Forward(
                "direct",
                Protocol.TCP,
                PortRange.parse("8080"),
                List.of(Target.parse("10.0.1.80:80")),
                List.of(Cidr.parse("198.51.100.0/24")),
                ReturnPath.NONE);
        agent.service.addForward(direct, false);

        assertTrue(agent.service.doctor().findings().stream()
                .anyMatch(f -> f.check().equals("return_route") && f.severity() == Severity.ERROR));

        agent.replyRoutes.add(Cidr.parse("0.0.0.0/0"));
        assertFalse(agent.service.doctor().findings().stream()
                .anyMatch(f -> f.check().equals("return_route") && f.severity() == Severity.ERROR));
    }

    /**
     * Doctor probes the targets at the call, so a node that stopped accepting shows at once, with
     * why; when a new probe does not end in time, the finding says how old the one it reports is.
     * Status reads the latest probes without waiting for new ones.
     */
    @Test
    void targetReachableIsProbedAtTheCallAndSaysWhyAndHowOld() throws Exception {
        agent.service.addForward(NatServiceTest.redis(), false);
        assertEquals(List.of(), findAll(agent.service.doctor().findings(), "target_reachable"));

        agent.refusing.put(
                new HealthProber.Endpoint(Ipv4.parse("10.0.1.231"), 6379),
                new java.net.ConnectException("Connection refused"));
        agent.refusing.put(
                new HealthProber.Endpoint(Ipv4.parse("10.0.1.232"), 6379),
                new java.net.SocketTimeoutException("Connect timed out"));
        agent.advance(java.time.Duration.ofSeconds(5));
        List<Finding> now = findAll(agent.service.doctor().findings(), "target_reachable");

        assertEquals(1, now.size(), now.toString());
        assertEquals(Severity.WARNING, now.get(0).severity());
        assertEquals(
                "forward redis: 10.0.1.231:6379 (connection refused; probed just now), 10.0.1.232:6379 (no answer"
                        + " within 200 ms; probed just now) do not accept TCP connections from this instance",
                now.get(0).message());
        assertEquals("degraded", agent.service.status().health(), "status reads the same probes");

        agent.probesHang = new java.util.concurrent.CountDownLatch(1);
        try {
            agent.advance(java.time.Duration.ofSeconds(40));
            String late = findAll(agent.service.doctor().findings(), "target_reachable")
                    .get(0)
                    .message();
            assertTrue(late.matches(".*10\\.0\\.1\\.231:6379 \\(connection refused; probed 4[0-9] s ago\\).*"), late);
        } finally {
            agent.refusing.clear();
            agent.probesHang.countDown();
            agent.probesHang = null;
        }
        agent.advance(java.time.Duration.ofSeconds(2));
        assertEquals(List.of(), findAll(agent.service.doctor().findings(), "target_reachable"), "up again");
    }

    @Test
    void aTargetThatNeverResolvedIsAnError() throws Exception {
        agent.service.addForward(
                Forward.single("mc", Protocol.TCP, 11211, Target.parse("gone.cache.test:11211")), false);

        Finding finding =
                find(agent.service.doctor().findings(), "target_resolved").orElseThrow();

        assertEquals(Severity.ERROR, finding.severity());
        assertTrue(finding.message().contains("gone.cache.test"), finding.message());
    }

    @Test
    void ipForwardTurnedOffByAnotherProgramIsSeenAtOnceByDoctorAndStatus() throws Exception {
        agent.writeProc("sys/net/ipv4/ip_forward", "0"); // no check of the agent ran since

        Finding finding = find(agent.service.doctor().findings(), "ip_forward").orElseThrow();
        StatusView status = agent.service.status();

        assertEquals(Severity.ERROR, finding.severity(), finding.toString());
        assertTrue(finding.message().contains("is 0"), finding.message());
        assertEquals("off", status.ipForward());
        assertEquals("degraded", status.health());

        agent.writeProc("sys/net/ipv4/ip_forward", "1");
        assertEquals(
                Severity.OK,
                find(agent.service.doctor().findings(), "ip_forward")
                        .orElseThrow()
                        .severity());
        assertEquals("on", agent.service.status().ipForward());
    }

    @Test
    void statusHealthIsDoctorsWorstFinding() throws Exception {
        agent.service.addForward(NatServiceTest.redis(), false);
        assertEquals(
                "ok", agent.service.status().health(), agent.service.doctor().toString());

        agent.sysctls.ensure(false);
        agent.writeProc("sys/net/ipv4/ip_forward", "0");
        DoctorReport report = agent.service.doctor();
        StatusView status = agent.service.status();

        assertEquals(1, report.summary().error(), report.toString());
        assertEquals(
                report.findings().size(),
                report.summary().ok() + report.summary().warning() + 1);
        assertEquals("degraded", status.health());
        assertTrue(status.message().startsWith("ip_forward: net.ipv4.ip_forward is 0"), status.message());
        assertTrue(status.message().contains("1 error"), status.message());

        agent.writeProc("sys/net/ipv4/conf/eth0/rp_filter", "1");
        agent.writeProc("sys/net/ipv4/ip_forward", "1");
        assertEquals(
                Severity.WARNING,
                find(agent.service.doctor().findings(), "rp_filter")
                        .orElseThrow()
                        .severity());
        assertEquals("degraded", agent.service.status().health(), "a warning is not ok");
    }

    @Test
    void eachForwardGetsOneFindingPerCheck() throws Exception {
        Forward direct = new Forward(
                "direct",
                Protocol.TCP,
                PortRange.parse("8080-8081"),
                List.of(Target.parse("gone-a.cache.test:80"), Target.parse("10.0.1.81:80")),
                List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("198.51.100.0/24")),
                ReturnPath.NONE);
        agent.service.addForward(direct, false);
        agent.replyRoutes.add(Cidr.parse("10.0.0.0/8"));

        List<Finding> findings = agent.service.doctor().findings();

        List<Finding> routes =
                findings.stream().filter(f -> f.check().equals("return_route")).toList();
        assertEquals(1, routes.size(), routes.toString());
        assertEquals(Severity.ERROR, routes.get(0).severity());
        assertTrue(
                routes.get(0).message().contains("198.51.100.0/24"),
                routes.get(0).message());
        assertFalse(
                routes.get(0).message().contains("10.0.0.0/8"), routes.get(0).message());
        List<Finding> unresolved = findings.stream()
                .filter(f -> f.check().equals("target_resolved"))
                .toList();
        assertEquals(1, unresolved.size(), unresolved.toString());
        assertTrue(
                unresolved.get(0).message().contains("gone-a.cache.test:80 has never resolved"),
                unresolved.get(0).message());
    }

    @Test
    void aForwardWithANeverResolvedAndAStaleTargetGetsOneTargetFinding() throws Exception {
        agent.dns.put("up.cache.test", List.of(Ipv4.parse("10.0.1.50")));
        agent.service.addForward(
                new Forward(
                        "two",
                        Protocol.TCP,
                        PortRange.parse("7000-7001"),
                        List.of(Target.parse("up.cache.test:7000"), Target.parse("gone.cache.test:7000")),
                        List.of(),
                        ReturnPath.MASQUERADE),
                false);
        agent.dns.remove("up.cache.test");
        agent.resolver.resolve(List.of("up.cache.test", "gone.cache.test"));

        List<Finding> resolved = agent.service.doctor().findings().stream()
                .filter(f -> f.check().equals("target_resolved"))
                .toList();

        assertEquals(1, resolved.size(), resolved.toString());
        assertEquals(Severity.ERROR, resolved.get(0).severity());
        String message = resolved.get(0).message();
        assertTrue(message.contains("gone.cache.test:7000 has never resolved"), message);
        assertTrue(message.contains("up.cache.test:7000 (since "), message);
        assertTrue(message.contains("stays in use (stale)"), message);
    }

    /**
     * As the unit's user, the agent cannot read which legacy tables exist (root's only) and must not
     * ask for the nat table (that would create it). With iptable_nat loaded, or ip_tables built in
     * (then /proc/modules cannot tell about iptable_nat), the check is unchecked: it says how to
     * make it by hand and counts against neither health nor doctor's exit code.
     */
    @Test
    void whenTheAgentCannotTellWhetherALegacyNatTableExistsItSaysHowToCheck() throws Exception {
        agent.service.addForward(NatServiceTest.redis(), false);
        // Root reads any file, so a directory stands in for the root-only /proc file the unit's user cannot read.
        java.nio.file.Files.createDirectories(agent.procRoot.resolve("net/ip_tables_names"));
        agent.legacyDnat.add(new Doctor.ForeignRule("never asked", Optional.empty(), PortSet.ALL, -100));
        for (String modules : List.of(
                "iptable_nat 16384 1 - Live 0x0000000000000000\nip_tables 28672 2 iptable_nat, Live 0x0\n",
                "nf_tables 229376 1 - Live 0x0000000000000000\n")) {
            agent.writeProc("modules", modules);

            DoctorReport report = agent.service.doctor();

            Finding unsure = find(report.findings(), "legacy_iptables").orElseThrow();
            assertEquals(Severity.UNCHECKED, unsure.severity(), modules);
            assertTrue(unsure.message().contains("legacy DNAT rules are not checked"), unsure.message());
            assertFalse(unsure.message().contains("Exception"), unsure.message());
            assertTrue(unsure.fix().contains("iptables-legacy-save -t nat"), unsure.fix());
            assertTrue(unsure.fix().contains("grep -qx nat "), "never creates the table: " + unsure.fix());
            assertEquals(
                    Severity.OK,
                    find(report.findings(), "foreign_dnat").orElseThrow().severity(),
                    "the table was not asked for");
            assertEquals(1, report.summary().unchecked());
            assertTrue(
                    report.summary().line().endsWith(", 1 unchecked"),
                    report.summary().line());
            assertEquals("ok", report.health(), report.findings().toString());
            assertEquals("ok", agent.service.status().health());
        }
    }

    /** With ip_tables a module and iptable_nat not loaded, no legacy nat table can exist: that is known. */
    @Test
    void legacyIptablesWithoutItsNatModuleHasNoNatTable() throws Exception {
        agent.service.addForward(NatServiceTest.redis(), false);
        java.nio.file.Files.createDirectories(agent.procRoot.resolve("net/ip_tables_names"));
        agent.writeProc(
                "modules",
                "iptable_filter 16384 1 - Live 0x0000000000000000\nip_tables 28672 1 iptable_filter, Live 0x0\n");

        Finding legacy =
                find(agent.service.doctor().findings(), "legacy_iptables").orElseThrow();

        assertEquals(Severity.OK, legacy.severity(), legacy.message());
        assertTrue(legacy.message().contains("without its nat module (iptable_nat)"), legacy.message());
    }

    @Test
    void aForeignDnatThatRunsAfterOursIsAWarningAndOneBeforeOursAnError() throws Exception {
        agent.service.addForward(NatServiceTest.redis(), false);
        agent.foreignDnat.add(new Doctor.ForeignRule(
                "table inet firewalld chain nat_PREROUTING handle 9 (dnat)", Optional.empty(), PortSet.ALL, -90));

        Finding later = find(agent.service.doctor().findings(), "foreign_dnat").orElseThrow();
        assertEquals(Severity.WARNING, later.severity(), later.toString());
        assertTrue(later.message().contains("(priority -90, after ours)"), later.message());

        agent.foreignDnat.add(new Doctor.ForeignRule(
                "table ip early chain pre handle 3 (dnat)", Optional.empty(), PortSet.ALL, -150));
        Finding earlier =
                find(agent.service.doctor().findings(), "foreign_dnat").orElseThrow();
        assertEquals(Severity.ERROR, earlier.severity(), earlier.toString());
        assertTrue(earlier.message().contains("(priority -150, before ours)"), earlier.message());
    }

    private static Optional<Finding> find(List<Finding> findings, String check) {
        return findings.stream().filter(f -> f.check().equals(check)).findFirst();
    }

    private static List<Finding> findAll(List<Finding> findings, String check) {
        return findings.stream().filter(f -> f.check().equals(check)).toList();
    }
}
