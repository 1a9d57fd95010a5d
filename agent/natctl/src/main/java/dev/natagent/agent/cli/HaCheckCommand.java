package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.protocol.DoctorReport;
import dev.natagent.agent.protocol.MalformedReplyException;
import dev.natagent.agent.protocol.Op;
import dev.natagent.agent.protocol.StatusView;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Whether this node may carry the traffic of a pair, for keepalived's track_script: exit 0 when
 * the agent answers, trusts its state, its kernel table matches it and every target has an
 * address; else exit 1, also when the agent cannot be reached or sends a status natctl cannot read
 * (keepalived knows no other codes).
 */
final class HaCheckCommand extends AgentCommand {
    static CommandSpec spec() {
        CommandSpec spec = Specs.command(
                new HaCheckCommand(),
                "Check that this node can carry the traffic (for keepalived's track_script): exits 0 when"
                        + " the agent is up, its kernel table matches its state and every target has an"
                        + " address, else 1.");
        Specs.examples(spec, "natctl --timeout 1 ha-check", "natctl --json ha-check");
        return spec;
    }

    @Override
    public Integer call() {
        List<String> problems;
        StatusView status = null;
        try {
            status = StatusView.read(call(Op.STATUS, args()));
            problems = problems(status);
        } catch (NatctlException e) {
            problems = List.of(e.getMessage());
        } catch (MalformedReplyException e) {
            problems = List.of(malformed(e).getMessage());
        }
        if (jsonOutput()) {
            ObjectNode result = CliJson.object();
            result.put("ok", problems.isEmpty());
            result.set("problems", CliJson.array(problems));
            printJson(result);
        } else if (problems.isEmpty()) {
            out().println("ok: " + summary(status));
        } else {
            out().println("not ready: " + String.join("; ", problems));
        }
        return problems.isEmpty() ? ExitCode.OK : ExitCode.REFUSED;
    }

    /** What keeps this node from carrying the traffic, read from the agent's status; empty when nothing. */
    static List<String> problems(StatusView status) {
        List<String> problems = new ArrayList<>();
        if (DoctorReport.FAILED.equals(status.health())) {
            problems.add("the agent refuses changes: " + status.message());
        }
        if (!"in_sync".equals(status.kernelTable())) {
            problems.add("kernel table " + status.kernelTable());
        }
        int unresolved = status.unresolvedTargets();
        if (unresolved > 0) {
            problems.add(unresolved + " target name" + (unresolved == 1 ? " has" : "s have") + " no address");
        }
        return problems;
    }

    private static String summary(StatusView status) {
        return "agent up, kernel table in sync, " + status.forwards() + " forward(s) with every target resolved"
                + (status.ha() == null ? "" : "; ha role " + status.ha().role());
    }
}
