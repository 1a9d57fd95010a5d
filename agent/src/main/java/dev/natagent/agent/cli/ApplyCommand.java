package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ApplyCommand extends AgentCommand {
    private final PositionalParamSpec fileArg =
            Specs.positional("FILE", "State document (JSON, as `natctl export` prints it); - for stdin.");
    private final OptionSpec dryRunOption = Specs.flag("--dry-run", "Only show what would change.");

    static CommandSpec spec() {
        ApplyCommand command = new ApplyCommand();
        return Specs.command(
                command,
                "Replace the whole desired state with FILE, atomically (the agent validates it).",
                command.fileArg,
                command.dryRunOption);
    }

    @Override
    public Integer call() {
        byte[] state = readState();
        // --json prints the agent's full diff; people get one line per name.
        return print(ApplyUpload.send(client(), state, dryRun(), jsonOutput() ? "full" : "names"));
    }

    private String file() {
        return fileArg.getValue();
    }

    private boolean dryRun() {
        return dryRunOption.getValue();
    }

    /** The state document, checked to be one JSON object and compacted to one line. */
    private byte[] readState() {
        try (InputStream in = "-".equals(file()) ? System.in : Files.newInputStream(Path.of(file()))) {
            return CliJson.compactObject(in);
        } catch (CliJson.NotAnObjectException e) {
            throw usageError(file() + " does not hold a JSON object");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw usageError(file() + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw usageError("cannot read " + file() + ": " + e);
        }
    }

    @Override
    Integer render(JsonNode result) {
        JsonNode diff = result.path("diff");
        List<String> lines = new ArrayList<>();
        if (diff.path("settings").asBoolean()) {
            lines.add("~ settings");
        }
        describe(lines, "forward", diff.path("forwards"));
        describe(lines, "outbound", diff.path("outbounds"));
        for (String line : lines) {
            out().println(line);
        }
        if (lines.isEmpty()) {
            out().println("no changes");
        } else if (result.path("applied").asBoolean()) {
            out().println("applied (generation " + result.path("generation").asText() + ")");
        } else {
            out().println("dry run: nothing changed");
        }
        return ExitCode.OK;
    }

    /** One line per name of a names-only diff section: + added, ~ changed, - removed. */
    private static void describe(List<String> lines, String kind, JsonNode section) {
        add(lines, "+ " + kind + " ", section.path("added"));
        add(lines, "~ " + kind + " ", section.path("changed"));
        add(lines, "- " + kind + " ", section.path("removed"));
    }

    private static void add(List<String> lines, String prefix, JsonNode names) {
        for (JsonNode name : names) {
            lines.add(prefix + name.asText());
        }
    }
}
