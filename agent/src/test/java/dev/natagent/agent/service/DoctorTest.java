package dev.natagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.api.Finding;
import dev.natagent.agent.api.Finding.Severity;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
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

        List<Finding> findings = agent.service.doctor();

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

        Finding finding = find(agent.service.doctor(), "ip_forward").orElseThrow();

        assertEquals(Severity.ERROR, finding.severity());
        assertTrue(finding.fix().contains("net.ipv4.ip_forward=1"), finding.fix());
    }

    @Test
    void strictReversePathFilteringIsNamedByInterface() throws Exception {
        agent.writeProc("sys/net/ipv4/conf/eth0/rp_filter", "1");

        Finding finding = find(agent.service.doctor(), "rp_filter").orElseThrow();

        assertEquals(Severity.WARNING, finding.severity());
        assertTrue(finding.message().contains("eth0"), finding.message());
    }

    @Test
    void aForeignDnatOnOurPortAndALegacyNatTableAreReported() throws Exception {
        agent.service.addForward(NatServiceTest.redis(), false);
        agent.foreignDnat.add("ip nat PREROUTING: tcp dport 6380 dnat to 10.9.9.9");
        agent.writeProc("net/ip_tables_names", "filter\nnat\n");

        List<Finding> findings = agent.service.doctor();

        Finding conflict = find(findings, "foreign_dnat").orElseThrow();
        assertEquals(Severity.ERROR, conflict.severity());
        assertTrue(conflict.message().contains("dport 6380"), conflict.message());
        assertEquals(
                Severity.WARNING,
                find(findings, "legacy_iptables").orElseThrow().severity());
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

        assertTrue(agent.service.doctor().stream()
                .anyMatch(f -> f.check().equals("return_route") && f.severity() == Severity.ERROR));

        // default route: destination 0, mask 0
        agent.writeProc(
                "net/route",
                "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
                        + "eth0\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\n");
        assertFalse(agent.service.doctor().stream()
                .anyMatch(f -> f.check().equals("return_route") && f.severity() == Severity.ERROR));
    }

    @Test
    void aTargetThatNeverResolvedIsAnError() throws Exception {
        agent.service.addForward(
                Forward.single("mc", Protocol.TCP, 11211, Target.parse("gone.cache.test:11211")), false);

        Finding finding = find(agent.service.doctor(), "target_resolved").orElseThrow();

        assertEquals(Severity.ERROR, finding.severity());
        assertTrue(finding.message().contains("gone.cache.test"), finding.message());
    }

    private static Optional<Finding> find(List<Finding> findings, String check) {
        return findings.stream().filter(f -> f.check().equals(check)).findFirst();
    }
}
