package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.DoctorReport;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Model.CommandSpec;

final class DoctorCommand extends AgentCommand {
    static CommandSpec spec() {
        return Specs.command(
                new DoctorCommand(), "Check what silently breaks NAT instances; exits 1 when a check finds an error.");
    }

    @Override
    public Integer call() {
        JsonNode result = call(Op.DOCTOR, args());
        if (jsonOutput()) {
            printJson(result);
        } else {
            Table table = new Table("SEVERITY", "CHECK", "FINDING", "FIX");
            result.path("findings")
                    .forEach(finding -> table.row(
                            finding.path("severity").asText(),
                            finding.path("check").asText(),
                            finding.path("message").asText(),
                            finding.path("fix").asText("")));
            table.print(out());
            JsonNode summary = result.path("summary");
            out().println(new DoctorReport.Summary(
                            summary.path("ok").asInt(),
                            summary.path("warning").asInt(),
                            summary.path("error").asInt())
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
