package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;

final class StatusCommand extends AgentCommand {
    static CommandSpec spec() {
        CommandSpec spec = Specs.command(
                new StatusCommand(), "Show the agent's health and state; exits 1 when its health is failed.");
        Specs.examples(spec, "natctl status", "natctl --json status");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.STATUS, args());
    }

    @Override
    Integer render(JsonNode status) {
        TextTable table = new TextTable("FIELD", "VALUE").painted(1);
        table.row(
                "health",
                status.path("health").asText()
                        + (status.path("message").asText("").isEmpty()
                                ? ""
                                : " (" + status.path("message").asText() + ")"));
        table.row("version", status.path("version").asText());
        table.row("uptime", status.path("uptime_seconds").asText() + " s");
        table.row("generation", status.path("generation").asText());
        table.row("forwards", status.path("forwards").asText());
        table.row("outbounds", status.path("outbounds").asText());
        table.row(
                "ip_forward",
                status.path("ip_forward").asText()
                        + (status.path("ip_forward_managed").asBoolean() ? " (managed)" : " (not managed)"));
        table.row("kernel table", status.path("kernel_table").asText());
        table.row("drift corrections", status.path("drift_corrections").asText());
        if (status.path("clusters").asInt() > 0) {
            int failing = status.path("failing_clusters").asInt();
            table.row(
                    "clusters",
                    status.path("clusters").asText() + (failing > 0 ? " (" + failing + " failing polls)" : ""));
        }
        if (status.path("stale_targets").asInt() > 0) {
            table.row("stale dns targets", status.path("stale_targets").asText());
        }
        JsonNode ha = status.path("ha");
        if (ha.isObject()) {
            table.row(
                    "ha role",
                    ha.path("role").asText() + " (holds: "
                            + (ha.path("held").isEmpty() ? "none" : join(ha.path("held"))) + ")");
            table.row(
                    "conntrackd",
                    ha.path("conntrackd").asText() + " ("
                            + ha.path("conntrackd_socket").asText() + ")");
        }
        print(table);
        return "failed".equals(status.path("health").asText()) ? ExitCode.REFUSED : ExitCode.OK;
    }

    private static String join(JsonNode addresses) {
        StringBuilder text = new StringBuilder();
        for (JsonNode address : addresses) {
            text.append(text.length() == 0 ? "" : ", ").append(address.asText());
        }
        return text.toString();
    }
}
