package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A subcommand whose reply carries a document ({@code export}, {@code metrics}): the document is
 * printed as it is, also under --json when it is JSON, so that it can be read (and applied) back.
 */
abstract class DocumentCommand extends AgentCommand {
    @Override
    Integer print(JsonNode document) {
        JsonNode content = document.path("content");
        if (jsonOutput() && content.isTextual()) {
            printJson(document);
        } else if (content.isTextual()) {
            out().print(content.textValue());
            out().flush();
        } else {
            printJson(content);
        }
        return ExitCode.OK;
    }
}
