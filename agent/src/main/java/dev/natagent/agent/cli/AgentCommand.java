package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.api.Op;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of every subcommand that talks to the agent: global options, the request, JSON output. */
abstract class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private Natctl root() {
        return spec.root().commandLine().getCommand();
    }

    boolean jsonOutput() {
        return root().json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    ObjectNode args() {
        return CliJson.object();
    }

    AdminClient client() {
        Natctl root = root();
        return new AdminClient(root.socket, Duration.ofSeconds(root.timeoutSeconds));
    }

    JsonNode call(Op op, ObjectNode args) {
        return client().call(op, args);
    }

    void printJson(JsonNode node) {
        out().println(CliJson.pretty(node));
    }

    /** Prints an export/metrics document's content as it is: JSON pretty-printed, text verbatim. */
    void printContent(JsonNode document) {
        JsonNode content = document.path("content");
        if (content.isTextual()) {
            out().print(content.textValue());
            out().flush();
        } else {
            printJson(content);
        }
    }

    /** Runs op and prints the result as JSON under --json, else through {@link #render}. */
    Integer callAndPrint(Op op, ObjectNode args) {
        return print(call(op, args));
    }

    /** Prints a result as JSON under --json, else through {@link #render}. */
    Integer print(JsonNode result) {
        if (jsonOutput()) {
            printJson(result);
            return ExitCode.OK;
        }
        return render(result);
    }

    /** Prints a result for humans and returns the exit code. */
    Integer render(JsonNode result) {
        printJson(result);
        return ExitCode.OK;
    }
}
