package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = "Replace the whole desired state with FILE, atomically (the agent validates it).")
final class ApplyCommand extends AgentCommand {
    @Parameters(paramLabel = "FILE", description = "State document (JSON, as `natctl export` prints it); - for stdin.")
    String file;

    @Option(names = "--dry-run", description = "Only show what would change.")
    boolean dryRun;

    @Override
    public Integer call() {
        JsonNode state = readState();
        return print(ApplyUpload.send(client(), state, dryRun));
    }

    private JsonNode readState() {
        try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
            JsonNode state = CliJson.read(in);
            if (!state.isObject()) {
                throw new ParameterException(spec.commandLine(), file + " does not hold a JSON object");
            }
            return state;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ParameterException(spec.commandLine(), file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + file + ": " + e);
        }
    }

    @Override
    Integer render(JsonNode result) {
        JsonNode diff = result.path("diff");
        List<String> lines = new ArrayList<>();
        if (diff.has("settings")) {
            lines.add("~ settings");
        }
        describe(lines, "forward", diff.path("forwards"));
        describe(lines, "outbound", diff.path("outbounds"));
        lines.forEach(out()::println);
        if (lines.isEmpty()) {
            out().println("no changes");
        } else if (result.path("applied").asBoolean()) {
            out().println("applied (generation " + result.path("generation").asText() + ")");
        } else {
            out().println("dry run: nothing changed");
        }
        return ExitCode.OK;
    }

    /** One line per entry of a StateDiff section: + added, ~ changed, - removed. */
    private static void describe(List<String> lines, String kind, JsonNode section) {
        section.path("added")
                .forEach(entry ->
                        lines.add("+ " + kind + " " + entry.path("name").asText()));
        section.path("changed")
                .forEach(entry ->
                        lines.add("~ " + kind + " " + entry.at("/after/name").asText()));
        section.path("removed")
                .forEach(entry ->
                        lines.add("- " + kind + " " + entry.path("name").asText()));
    }
}
