package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.protocol.Op;

/**
 * Sends a whole state document for {@code natctl apply}. One {@code apply} request carrying its
 * tree when the document fits comfortably in a request line; otherwise (a large state is
 * megabytes, the line limit 1 MiB) its text in {@code apply.begin}, numbered {@code apply.chunk}s and
 * {@code apply.commit} on one connection: the agent applies nothing before the commit, and drops
 * the upload if we fail or exit before it. The answer is {@code apply}'s either way.
 */
final class ApplyUpload {
    /** Documents up to half the line limit go in one request. */
    static final int SINGLE_REQUEST_BYTES = AdminProtocol.MAX_REQUEST_BYTES / 2;
    /**
     * Characters per chunk: a character costs at most 6 bytes in a JSON string (a {@code \}{@code u}
     * escape; UTF-8 needs at most 3), so each chunk's line stays under the limit with room for the envelope.
     */
    static final int CHUNK_CHARS = (AdminProtocol.MAX_REQUEST_BYTES - 4096) / 6;

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

    /** The same for a document's text of any size, in chunks. */
    static JsonNode sendInChunks(AdminClient client, String document, boolean dryRun, String diff) {
        try (AdminClient.Session session = client.open()) {
            String upload = session.call(Op.APPLY_BEGIN, CliJson.object().put("dry_run", dryRun))
                    .path("upload")
                    .asText();
            int seq = 0;
            for (int start = 0; start < document.length(); seq++) {
                int end = chunkEnd(document, start);
                session.call(
                        Op.APPLY_CHUNK,
                        CliJson.object()
                                .put("upload", upload)
                                .put("seq", seq)
                                .put("data", document.substring(start, end)));
                start = end;
            }
            return session.call(
                    Op.APPLY_COMMIT, CliJson.object().put("upload", upload).put("diff", diff));
        }
    }

    /** End of the chunk starting at {@code start}, never between the two halves of a surrogate pair. */
    static int chunkEnd(String document, int start) {
        int end = Math.min(document.length(), start + CHUNK_CHARS);
        if (end < document.length() && Character.isHighSurrogate(document.charAt(end - 1))) {
            end--;
        }
        return end;
    }
}
