package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.DoctorReport;
import dev.natagent.agent.protocol.HaView;
import dev.natagent.agent.protocol.Op;
import dev.natagent.agent.protocol.StatusView;
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
    Integer render(JsonNode reply) {
        StatusView status = StatusView.read(reply);
        TextTable table = new TextTable("FIELD", "VALUE").painted(1);
        table.row("health", status.health() + (status.message().isEmpty() ? "" : " (" + status.message() + ")"));
        table.row("version", status.version());
        table.row("uptime", status.uptimeSeconds() + " s");
        table.row("revision", String.valueOf(status.revision()));
        table.row("forwards", String.valueOf(status.forwards()));
        table.row("outbounds", String.valueOf(status.outbounds()));
        table.row("ip_forward", status.ipForward() + (status.ipForwardManaged() ? " (managed)" : " (not managed)"));
        table.row("kernel table", status.kernelTable());
        table.row("drift corrections", String.valueOf(status.driftCorrections()));
        if (status.clusters() > 0) {
            int failing = status.failingClusters();
            table.row("clusters", status.clusters() + (failing > 0 ? " (" + failing + " failing polls)" : ""));
        }
        if (status.staleTargets() > 0) {
            table.row("stale dns targets", String.valueOf(status.staleTargets()));
        }
        HaView ha = status.ha();
        if (ha != null) {
            table.row(
                    "ha role",
                    ha.role() + " (holds: " + (ha.held().isEmpty() ? "none" : String.join(", ", ha.held())) + ")");
            table.row("conntrackd", ha.conntrackd() + " (" + ha.conntrackdSocket() + ")");
        }
        print(table);
        return DoctorReport.FAILED.equals(status.health()) ? ExitCode.REFUSED : ExitCode.OK;
    }
}
