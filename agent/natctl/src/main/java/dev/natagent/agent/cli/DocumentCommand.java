package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.MalformedReplyException;

/**
 * A subcommand whose reply carries a document ({@code export}, {@code metrics}): the document is
 * printed as it is, also under --json when it is JSON, so that it can be read (and applied) back.
 */
abstract class DocumentCommand extends AgentCommand {
    @Override
    Integer print(JsonNode document) {
        JsonNode content = content(document);
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

    /** The reply's {@code content}: text, or a JSON document embedded as an object; anything else is an error. */
    private JsonNode content(JsonNode document) {
        String what = spec.name() + " reply";
        JsonNode content = document.get("content");
        if (content == null || content.isNull()) {
            throw malformed(new MalformedReplyException(what + " has no 'content'"));
        }
        if (!content.isTextual() && !content.isObject()) {
            throw malformed(new MalformedReplyException(what + ": 'content' is not a string or an object"));
        }
        return content;
    }
}
