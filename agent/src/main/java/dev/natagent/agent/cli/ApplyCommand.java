package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.IoErrors;
import dev.natagent.agent.model.FieldLocator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ApplyCommand extends AgentCommand {
    /** How the agent's parser names a place in the text: " (line 4003, column 15)". */
    private static final Pattern AGENT_LOCATION = Pattern.compile(" \\(line (\\d+), column (\\d+)\\)");

    private final PositionalParamSpec fileArg =
            Specs.positional("FILE", "State document (JSON, as `natctl export` prints it); - for stdin.");
    private final OptionSpec dryRunOption = Specs.flag("--dry-run", "Only show what would change.");
    private final OptionSpec quiet = Specs.quiet();

    static CommandSpec spec() {
        ApplyCommand command = new ApplyCommand();
        CommandSpec spec = Specs.command(
                command,
                "Replace the whole desired state with FILE, atomically (the agent validates it).\n"
                        + "Prints what changes: + added, ~ changed (and how), - removed.",
                command.fileArg,
                command.dryRunOption,
                command.quiet);
        Specs.examples(
                spec,
                "natctl apply --dry-run /etc/nat-agent/config.json",
                "natctl apply /etc/nat-agent/config.json",
                "natctl export > state.json; natctl apply state.json",
                "natctl export | natctl apply -");
        return spec;
    }

    @Override
    public Integer call() {
        byte[] document = readFile();
        // --json prints the agent's full diff; people get one line per name.
        String diff = jsonOutput() ? "full" : "names";
        try {
            if (document.length <= ApplyUpload.SINGLE_REQUEST_BYTES) {
                return print(ApplyUpload.sendOne(client(), parse(document), dryRun(), diff));
            }
            return print(ApplyUpload.sendInChunks(client(), checkedText(document), dryRun(), diff));
        } catch (NatctlException e) {
            throw e.exitCode() == ExitCode.REFUSED ? locate(e, document) : e;
        }
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
            throw NatctlException.usage("cannot read " + file() + ": " + IoErrors.reason(e));
        }
    }

    /** A document small enough for one request, as the tree that request carries. */
    private JsonNode parse(byte[] document) {
        requireJsonStart(document);
        JsonNode tree;
        try {
            tree = CliJson.read(document);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw NatctlException.usage("cannot read " + file() + ": " + IoErrors.reason(e));
        }
        if (!tree.isObject()) {
            throw notAnObject();
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
        requireJsonStart(document);
        String text = text(document);
        try {
            CliJson.checkObject(text);
        } catch (CliJson.NotAnObjectException e) {
            throw notAnObject();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw NatctlException.usage("cannot read " + file() + ": " + IoErrors.reason(e));
        }
        return text;
    }

    private String text(byte[] document) {
        try {
            return CliJson.utf8(document);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw NatctlException.usage(file() + ": not UTF-8 text, as JSON must be");
        }
    }

    /**
     * Text that does not even start like JSON (a passwd file, a YAML config, a shell script) is
     * not a document with a syntax error somewhere: say what it is instead of the parser's view.
     */
    private void requireJsonStart(byte[] document) {
        for (byte b : document) {
            if (b == ' '
                    || b == '\t'
                    || b == '\n'
                    || b == '\r'
                    || (b & 0xff) == 0xef
                    || (b & 0xff) == 0xbb
                    || (b & 0xff) == 0xbf) {
                continue;
            }
            if (b == '{' || b == '[') {
                return;
            }
            break;
        }
        throw NatctlException.usage(file() + ": not a JSON document (natctl apply takes a state document, a JSON"
                + " object such as natctl export prints)");
    }

    private NatctlException notAnObject() {
        return NatctlException.usage(file()
                + ": does not hold a JSON object (natctl apply takes a state document, as natctl export" + " prints)");
    }

    private NatctlException syntaxError(com.fasterxml.jackson.core.JacksonException e) {
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        FieldLocator.Location location =
                at == null || at.getLineNr() < 0 ? null : new FieldLocator.Location(at.getLineNr(), at.getColumnNr());
        return NatctlException.usage("not valid JSON: " + e.getOriginalMessage())
                .inFile(file(), location);
    }

    /**
     * The agent's refusal of the document, pointed at the place in the file that its field names
     * (whichever way the document went), else at the line and column the agent gave, if any.
     */
    private NatctlException locate(NatctlException refusal, byte[] document) {
        String field = refusal.error().path("field").asText("");
        FieldLocator.Location at = field.isEmpty()
                ? null
                : FieldLocator.of(text(document)).locate(field).orElse(null);
        String message = refusal.error().path("message").asText("");
        Matcher given = AGENT_LOCATION.matcher(message);
        if (given.find()) {
            if (at == null) {
                at = new FieldLocator.Location(Integer.parseInt(given.group(1)), Integer.parseInt(given.group(2)));
            }
            ((com.fasterxml.jackson.databind.node.ObjectNode) refusal.error())
                    .put("message", message.substring(0, given.start()) + message.substring(given.end()));
            refusal = NatctlException.refused(refusal.error());
        }
        return refusal.inFile(file(), at);
    }

    @Override
    Integer render(JsonNode result) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
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
