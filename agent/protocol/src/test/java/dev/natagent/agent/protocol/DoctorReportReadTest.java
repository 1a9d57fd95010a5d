package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.Finding.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** natctl reads a doctor reply into the record the agent wrote it from, and a missing field is an error. */
class DoctorReportReadTest {
    private static final DoctorReport REPORT = DoctorReport.of(List.of(
            new Finding(Severity.OK, "state", "state files trusted", ""),
            new Finding(Severity.ERROR, "ip_forward", "net.ipv4.ip_forward is 0", "sysctl -w net.ipv4.ip_forward=1"),
            new Finding(Severity.UNCHECKED, "legacy_iptables", "cannot look as this user", "run it as root")));

    private static ObjectNode written() {
        return TestJson.toTree(REPORT);
    }

    @Test
    void readsWhatTheAgentWrites() {
        assertEquals(REPORT, DoctorReport.read(written()));
    }

    @Test
    void aMissingFieldOrAnUnknownSeverityIsAnError() {
        ObjectNode noFix = written();
        ((ObjectNode) noFix.get("findings").get(1)).remove("fix");
        assertEquals(
                "doctor reply.findings[1] has no 'fix'",
                assertThrows(MalformedReplyException.class, () -> DoctorReport.read(noFix))
                        .getMessage());

        ObjectNode noSummary = written();
        noSummary.remove("summary");
        assertThrows(MalformedReplyException.class, () -> DoctorReport.read(noSummary));

        ObjectNode unknown = written();
        ((ObjectNode) unknown.get("findings").get(0)).put("severity", "fatal");
        assertEquals(
                "doctor reply.findings[0]: 'severity' is not one of ok, warning, error, unchecked (it is 'fatal')",
                assertThrows(MalformedReplyException.class, () -> DoctorReport.read(unknown))
                        .getMessage());
    }
}
