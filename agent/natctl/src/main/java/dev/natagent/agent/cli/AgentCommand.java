package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.protocol.MalformedReplyException;
import dev.natagent.agent.protocol.Op;

/** Base of every subcommand that talks to the agent: the request, JSON or human output. */
abstract class AgentCommand extends CliCommand {
    boolean jsonOutput() {
        return Specs.json(spec);
    }

    ObjectNode args() {
        return CliJson.object();
    }

    AdminClient client() {
        return new AdminClient(Specs.socket(spec), Specs.timeout(spec));
    }

    JsonNode call(Op op, ObjectNode args) {
        return client().call(op, args);
    }

    void printJson(JsonNode node) {
        out().println(CliJson.pretty(node));
    }

    /** Runs op and prints the result as JSON under --json, else through {@link #render}. */
    Integer callAndPrint(Op op, ObjectNode args) {
        return print(call(op, args));
    }

    /**
     * Prints a result as JSON under --json, else through {@link #render}. A reply without a field
     * its record has is the agent speaking another protocol: reported like a malformed reply.
     */
    Integer print(JsonNode result) {
        if (jsonOutput()) {
            printJson(result);
            return ExitCode.OK;
        }
        try {
            return render(result);
        } catch (MalformedReplyException e) {
            throw malformed(e);
        }
    }

    /** A reply natctl cannot read into its record: reported like a malformed reply (exit 3). */
    NatctlException malformed(MalformedReplyException e) {
        return NatctlException.unreadable(Specs.socket(spec), e);
    }

    /** Prints a result for humans and returns the exit code. */
    Integer render(JsonNode result) {
        printJson(result);
        return ExitCode.OK;
    }
}
