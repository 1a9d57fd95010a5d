package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.DoctorReport;
import dev.natagent.agent.protocol.Finding;
import dev.natagent.agent.protocol.MalformedReplyException;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;

final class DoctorCommand extends AgentCommand {
    static CommandSpec spec() {
        CommandSpec spec = Specs.command(
                new DoctorCommand(), "Check what silently breaks NAT instances; exits 1 when a check finds an error.");
        Specs.examples(spec, "natctl doctor", "natctl --json doctor");
        return spec;
    }

    @Override
    public Integer call() {
        JsonNode result = call(Op.DOCTOR, args());
        DoctorReport report = read(result);
        if (jsonOutput()) {
            printJson(result);
        } else {
            // The fix goes under its finding: two long texts side by side would each get half the width.
            TextTable table = new TextTable("SEVERITY", "CHECK", "FINDING").painted(0);
            for (Finding finding : report.findings()) {
                table.row(
                        finding.severity().wireName(),
                        finding.check(),
                        finding.message() + (finding.fix().isEmpty() ? "" : "\nfix: " + finding.fix()));
            }
            print(table);
            out().println(report.summary().line());
        }
        for (Finding finding : report.findings()) {
            if (finding.severity() == Finding.Severity.ERROR) {
                return ExitCode.REFUSED;
            }
        }
        return ExitCode.OK;
    }

    private DoctorReport read(JsonNode reply) {
        try {
            return DoctorReport.read(reply);
        } catch (MalformedReplyException e) {
            throw malformed(e);
        }
    }
}
