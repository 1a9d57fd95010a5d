package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.protocol.Op;
import dev.natagent.agent.protocol.UploadBegun;

/**
 * Sends a whole state document for {@code natctl apply}. One {@code apply} request carrying its
 * tree when the document fits comfortably in a request line; otherwise (a large state is
 * megabytes, the line limit 1 MiB) the file's own bytes as they are, announced by their count in
 * {@code apply.begin} and followed by {@code apply.commit}, on one connection: the agent applies
 * nothing before the commit, and drops the upload if we fail or exit before it. The answer is
 * {@code apply}'s either way.
 */
final class ApplyUpload {
    /** Documents up to half the line limit go in one request. */
    static final int SINGLE_REQUEST_BYTES = AdminProtocol.MAX_REQUEST_BYTES / 2;

    private ApplyUpload() {}

    /**
     * Applies (or with {@code dryRun} diffs) {@code state} in one request; returns the agent's apply
     * result, its diff as names only when {@code diff} is "names" (what a human reads; far smaller at 50k).
     */
    static JsonNode sendOne(AdminClient client, JsonNode state, boolean dryRun, String diff) {
        return client.call(
                Op.APPLY,
                CliJson.object().put("dry_run", dryRun).put("diff", diff).set("state", state));
    }

    /**
     * The same for a document of any size, as its raw bytes: never decoded, escaped or split here,
     * so each byte is read from the file and written to the socket once, and the agent parses it.
     */
    static JsonNode sendBytes(AdminClient client, byte[] document, boolean dryRun, String diff) {
        try (AdminClient.Session session = client.open()) {
            String upload = UploadBegun.read(session.call(
                            Op.APPLY_BEGIN,
                            CliJson.object().put("dry_run", dryRun).put("bytes", document.length)))
                    .upload();
            session.send(document);
            return session.call(
                    Op.APPLY_COMMIT, CliJson.object().put("upload", upload).put("diff", diff));
        }
    }
}
