package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.FieldError;
import dev.natagent.agent.model.JsonPositions;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.protocol.ApplyNames;
import dev.natagent.agent.protocol.IoErrors;
import dev.natagent.agent.protocol.MalformedReplyException;
import dev.natagent.agent.protocol.ReplyError;
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
        boolean small = document.length <= ApplyUpload.SINGLE_REQUEST_BYTES;
        try {
            if (small) {
                return print(ApplyUpload.sendOne(client(), parse(document), dryRun(), diff));
            }
            requireJsonStart(document);
            return print(ApplyUpload.sendBytes(client(), document, dryRun(), diff));
        } catch (NatctlException e) {
            if (!aboutTheDocument(e)) {
                throw e;
            }
            if (!small) {
                // The agent parsed the raw bytes; what natctl says of a small document itself (not
                // UTF-8, not JSON, not an object) it says of a large one too, once it is refused.
                checkedText(document);
            }
            throw locate(e, document);
        } catch (MalformedReplyException e) {
            throw malformed(e);
        }
    }

    /** The file as messages name it: its path, or "<stdin>" for - (no file of that name is meant). */
    private String file() {
        return stdin() ? "<stdin>" : fileArg.getValue();
    }

    private boolean stdin() {
        return "-".equals(fileArg.getValue());
    }

    private boolean dryRun() {
        return dryRunOption.getValue();
    }

    /** The document, read only up to one byte past what the agent takes: a larger one is refused here. */
    private byte[] readFile() {
        try (InputStream input = stdin() ? in : Files.newInputStream(Path.of(file()))) {
            byte[] document = input.readNBytes(AdminProtocol.MAX_UPLOAD + 1);
            if (document.length > AdminProtocol.MAX_UPLOAD) {
                throw NatctlException.usage(file() + ": larger than the " + AdminProtocol.MAX_UPLOAD
                        + " bytes the agent takes for a state document");
            }
            return document;
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
     * Checks a large document the agent refused to be one JSON object in UTF-8, as the small path
     * does before it sends; it is checked only after the refusal, because the agent parses it anyway
     * (and finds repeated keys): a valid document is never read twice (bench/agent-bench.sh times
     * {@code natctl apply} of large documents).
     */
    private void checkedText(byte[] document) {
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
                + ": does not hold a JSON object (natctl apply takes a state document, as natctl export prints)");
    }

    private NatctlException syntaxError(com.fasterxml.jackson.core.JacksonException e) {
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        JsonPositions.Position location =
                at == null || at.getLineNr() < 0 ? null : new JsonPositions.Position(at.getLineNr(), at.getColumnNr());
        return NatctlException.usage("not valid JSON: " + e.getOriginalMessage())
                .inFile(file(), location);
    }

    /** A refusal of what the document says (not of the request, the state on disk or the kernel). */
    private static boolean aboutTheDocument(NatctlException e) {
        ReplyError error = e.refusal();
        return error != null
                && (!error.details().isEmpty()
                        || error.field() != null
                                && !error.field().isEmpty()
                                && !error.field().startsWith("args."));
    }

    /**
     * The agent's refusal of the document, each problem placed and worded as the daemon words a bad
     * config file ({@code FILE:LINE:COLUMN: FIELD: MESSAGE [CODE]}), whichever way the document went.
     */
    private NatctlException locate(NatctlException refusal, byte[] document) {
        ReplyError error = refusal.refusal();
        List<FieldError> problems = new ArrayList<>();
        for (ReplyError.Detail detail : error.details()) {
            problems.add(problem(detail.field(), detail.code(), detail.message()));
        }
        if (problems.isEmpty()) {
            problems.add(problem(error.field() == null ? "" : error.field(), error.code(), error.message()));
        }
        JsonPositions positions = JsonPositions.of(text(document));
        List<String> described = new ArrayList<>();
        for (FieldError problem : problems) {
            described.add(positions.describe(file(), problem));
        }
        return refusal.about(file(), positions.locate(problems.get(0)).orElse(null), String.join("; ", described));
    }

    /** A field error of the agent's answer; an error code the model does not know stays as the agent's. */
    private static FieldError problem(String field, String code, String message) {
        ErrorCode model;
        try {
            model = ErrorCode.valueOf(code);
        } catch (IllegalArgumentException e) {
            model = ErrorCode.INVALID_VALUE;
        }
        return new FieldError(field, model, message);
    }

    @Override
    Integer render(JsonNode reply) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
        ApplyNames result = ApplyNames.read(reply);
        ApplyNames.Diff diff = result.diff();
        // All lines in one buffer, written once: a cold apply of 10,000 forwards prints as many, in
        // a JVM that has just started and runs a line-by-line print mostly interpreted.
        StringBuilder lines = new StringBuilder();
        if (diff.settings()) {
            line(lines, "~ settings");
        }
        describe(lines, "forward", diff.forwards());
        describe(lines, "outbound", diff.outbounds());
        if (diff.clusters() != null) {
            describe(lines, "cluster", diff.clusters());
        }
        if (lines.length() == 0) {
            out().println("no changes");
            return ExitCode.OK;
        }
        out().print(lines);
        if (result.applied()) {
            out().println("applied (revision " + result.revision() + ")");
        } else {
            out().println("dry run: nothing changed");
        }
        return ExitCode.OK;
    }

    /**
     * One line per name of a names-only diff section: + added, ~ changed (with what changes, e.g.
     * {@code ~ forward redis: to 10.0.1.230:6379 -> 10.0.1.240:6379}), - removed.
     */
    private static void describe(StringBuilder lines, String kind, ApplyNames.Section section) {
        for (String name : section.added()) {
            line(lines.append("+ ").append(kind).append(' ').append(name));
        }
        for (String name : section.changed()) {
            String changes = section.changes().get(name);
            lines.append("~ ").append(kind).append(' ').append(name);
            if (!changes.isEmpty()) {
                lines.append(": ").append(changes);
            }
            line(lines);
        }
        for (String name : section.removed()) {
            line(lines.append("- ").append(kind).append(' ').append(name));
        }
    }

    private static void line(StringBuilder lines, String text) {
        line(lines.append(text));
    }

    /** Ends the line being built as println would. */
    private static void line(StringBuilder lines) {
        lines.append(System.lineSeparator());
    }
}
