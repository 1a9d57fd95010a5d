package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.DoctorReport;
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
        if (jsonOutput()) {
            printJson(result);
        } else {
            // The fix goes under its finding: two long texts side by side would each get half the width.
            TextTable table = new TextTable("SEVERITY", "CHECK", "FINDING").painted(0);
            for (JsonNode finding : result.path("findings")) {
                String fix = finding.path("fix").asText("");
                table.row(
                        finding.path("severity").asText(),
                        finding.path("check").asText(),
                        finding.path("message").asText() + (fix.isEmpty() ? "" : "\nfix: " + fix));
            }
            print(table);
            JsonNode summary = result.path("summary");
            out().println(new DoctorReport.Summary(
                            summary.path("ok").asInt(),
                            summary.path("warning").asInt(),
                            summary.path("error").asInt(),
                            summary.path("unchecked").asInt())
                    .line());
        }
        for (JsonNode finding : result.path("findings")) {
            if ("error".equals(finding.path("severity").asText())) {
                return ExitCode.REFUSED;
            }
        }
        return ExitCode.OK;
    }
}
