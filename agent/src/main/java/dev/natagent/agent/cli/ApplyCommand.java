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
        byte[] document = readFile();
        // --json prints the agent's full diff; people get one line per name.
        String diff = jsonOutput() ? "full" : "names";
        if (document.length <= ApplyUpload.SINGLE_REQUEST_BYTES) {
            return print(ApplyUpload.sendOne(client(), parse(document), dryRun(), diff));
        }
        return print(ApplyUpload.sendInChunks(client(), checkedText(document), dryRun(), diff));
    }

    private String file() {
        return fileArg.getValue();
    }

    private boolean dryRun() {
        return dryRunOption.getValue();
    }

    private byte[] readFile() {
        try (InputStream in = "-".equals(file()) ? System.in : Files.newInputStream(Path.of(file()))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw usageError("cannot read " + file() + ": " + e);
        }
    }

    /** A document small enough for one request, as the tree that request carries. */
    private JsonNode parse(byte[] document) {
        JsonNode tree;
        try {
            tree = CliJson.read(document);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw usageError(file() + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw usageError("cannot read " + file() + ": " + e);
        }
        if (!tree.isObject()) {
            throw usageError(file() + " does not hold a JSON object");
        }
        return tree;
    }

    /**
     * A large document's text as it is in the file, once checked to be one JSON object: the agent
     * parses it anyway (and finds repeated keys), and its errors then give lines and columns of
     * this very file. Reading it into a tree or copying it token by token, as the small path does,
     * would build the whole document in natctl only to throw it away (bench/agent-bench.sh times
     * {@code natctl apply} of large documents).
     */
    private String checkedText(byte[] document) {
        String text;
        try {
            text = CliJson.utf8(document);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw usageError(file() + " is not UTF-8 text, as JSON must be");
        }
        try {
            CliJson.checkObject(text);
        } catch (CliJson.NotAnObjectException e) {
            throw usageError(file() + " does not hold a JSON object");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw usageError(file() + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw usageError("cannot read " + file() + ": " + e);
        }
        return text;
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

    /**
     * One line per name of a names-only diff section: + added, ~ changed (with what changes, e.g.
     * {@code ~ forward redis: to 10.0.1.230:6379 -> 10.0.1.240:6379}), - removed.
     */
    private static void describe(List<String> lines, String kind, JsonNode section) {
        add(lines, "+ " + kind + " ", section.path("added"));
        for (JsonNode name : section.path("changed")) {
            String changes = section.path("changes").path(name.asText()).asText("");
            lines.add("~ " + kind + " " + name.asText() + (changes.isEmpty() ? "" : ": " + changes));
        }
        add(lines, "- " + kind + " ", section.path("removed"));
    }

    private static void add(List<String> lines, String prefix, JsonNode names) {
        for (JsonNode name : names) {
            lines.add(prefix + name.asText());
        }
    }
}
