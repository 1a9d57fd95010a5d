package dev.natagent.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.Op;
import dev.natagent.agent.testing.StateDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** apply.begin / chunk / commit / abort through the dispatcher, without a socket. */
class ChunkedApplyTest {
    private final FakeOperations operations = new FakeOperations();
    private final Uploads uploads = new Uploads(64 * 1024, 100 * 1024);
    private final AdminDispatcher dispatcher = new AdminDispatcher(operations, uploads);
    private final ClientSession session = new ClientSession(new Peer(0, 0, 1));

    private static String document(int count) {
        return StateDocuments.forwards(count);
    }

    private JsonNode call(ClientSession on, Op op, ObjectNode args) {
        return asClientSees(dispatcher.handle(Requests.of(op, args), on));
    }

    /** The result written as the response carries it and read back. */
    private static JsonNode asClientSees(JsonWritable result) {
        return TestJson.toTree(result);
    }

    private static ObjectNode args() {
        return TestJson.mapper().createObjectNode();
    }

    private String begin(ClientSession on, boolean dryRun) {
        return call(on, Op.APPLY_BEGIN, args().put("dry_run", dryRun))
                .get("upload")
                .textValue();
    }

    private JsonNode chunk(ClientSession on, String upload, long seq, String data) {
        return call(
                on, Op.APPLY_CHUNK, args().put("upload", upload).put("seq", seq).put("data", data));
    }

    private JsonNode commit(ClientSession on, String upload) {
        return call(on, Op.APPLY_COMMIT, args().put("upload", upload));
    }

    private static AdminException refused(ErrorCode code, Runnable call) {
        AdminException e = assertThrows(AdminException.class, call::run);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    /** Splits text at random points, some inside strings and escapes. */
    private static List<String> pieces(String text, long seed) {
        Random random = new Random(seed);
        List<String> pieces = new ArrayList<>();
        for (int start = 0; start < text.length(); ) {
            int end = Math.min(text.length(), start + 1 + random.nextInt(4_000));
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    private String upload(ClientSession on, String upload, String document) {
        List<String> pieces = pieces(document, 7);
        for (int seq = 0; seq < pieces.size(); seq++) {
            chunk(on, upload, seq, pieces.get(seq));
        }
        return upload;
    }

    @Test
    void aCommitAppliesTheDocumentExactlyAsApplyWould() {
        String document = document(500);
        JsonNode committed = commit(session, upload(session, begin(session, false), document));

        FakeOperations direct = new FakeOperations();
        JsonNode applied = asClientSees(new AdminDispatcher(direct)
                .handle(
                        Requests.of(Op.APPLY, args().set("state", readTree(document))),
                        new ClientSession(new Peer(0, 0, 1))));
        assertEquals(applied, committed);
        assertEquals(direct.state(), operations.state());
        assertEquals(500, operations.state().forwards().size());
        assertEquals(0, uploads.heldBytes(), "a committed upload gives its memory back");
        refused(ErrorCode.UPLOAD_NOT_FOUND, () -> commit(session, "upload-1"));
    }

    @Test
    void aDryRunCommitReturnsTheDiffAndChangesNothing() {
        JsonNode result = commit(session, upload(session, begin(session, true), document(20)));
        assertFalse(result.get("applied").booleanValue());
        assertEquals(20, result.at("/diff/forwards/added").size());
        assertEquals(0, operations.revision());
        assertEquals(NatState.empty(), operations.state());
    }

    @Test
    void nothingIsAppliedBeforeTheCommit() {
        String upload = begin(session, false);
        String document = document(50);
        chunk(session, upload, 0, document);
        assertEquals(
                document.length(), chunk(session, upload, 1, "").get("chars").longValue());
        assertEquals(0, operations.revision());
        assertTrue(operations.state().forwards().isEmpty());
    }

    @Test
    void aChunkOutOfOrderIsRefusedAndTheUploadKeepsWhatItHad() {
        String document = document(30);
        String upload = begin(session, false);
        AdminException skipped =
                refused(ErrorCode.UPLOAD_OUT_OF_ORDER, () -> chunk(session, upload, 1, document.substring(10)));
        assertEquals("args.seq", skipped.field());
        assertTrue(skipped.getMessage().contains("expected seq 0"), skipped.getMessage());
        chunk(session, upload, 0, document.substring(0, 10));
        refused(ErrorCode.UPLOAD_OUT_OF_ORDER, () -> chunk(session, upload, 0, document.substring(0, 10)));
        chunk(session, upload, 1, document.substring(10));
        assertTrue(commit(session, upload).get("applied").booleanValue());
        assertEquals(30, operations.state().forwards().size());
    }

    @Test
    void unknownAndForeignUploadsAreNotFound() {
        String mine = begin(session, false);
        chunk(session, mine, 0, "{\"forwards\":[]}");
        ClientSession other = new ClientSession(new Peer(0, 0, 2));
        for (String id : List.of("upload-999", mine)) {
            assertEquals(
                    "args.upload",
                    refused(ErrorCode.UPLOAD_NOT_FOUND, () -> chunk(other, id, 0, "x"))
                            .field());
            refused(ErrorCode.UPLOAD_NOT_FOUND, () -> commit(other, id));
            refused(ErrorCode.UPLOAD_NOT_FOUND, () -> call(other, Op.APPLY_ABORT, args().put("upload", id)));
        }
        refused(ErrorCode.UPLOAD_NOT_FOUND, () -> chunk(session, "upload-999", 1, "x"));
        assertEquals(15, chunk(session, mine, 1, "").get("chars").longValue(), "the owner's upload is untouched");
    }

    @Test
    void oneOpenUploadPerConnection() {
        String first = begin(session, false);
        AdminException second = refused(ErrorCode.UPLOAD_IN_PROGRESS, () -> begin(session, false));
        assertTrue(second.getMessage().contains(first), second.getMessage());
        assertTrue(begin(new ClientSession(new Peer(0, 0, 2)), false).startsWith("upload-"), "other connections may");
    }

    @Test
    void anUploadOverTheLimitIsDiscarded() {
        String upload = begin(session, false);
        chunk(session, upload, 0, "x".repeat(60 * 1024));
        assertEquals(
                "args.data",
                refused(ErrorCode.UPLOAD_TOO_LARGE, () -> chunk(session, upload, 1, "x".repeat(5 * 1024)))
                        .field());
        assertEquals(0, uploads.heldBytes());
        refused(ErrorCode.UPLOAD_NOT_FOUND, () -> commit(session, upload));
        assertEquals(0, operations.revision());
        begin(session, false); // the connection may start over
    }

    @Test
    void allConnectionsTogetherAreBoundedToo() {
        ClientSession other = new ClientSession(new Peer(0, 0, 2));
        String big = begin(session, false);
        chunk(session, big, 0, "x".repeat(60 * 1024));
        String second = begin(other, false);
        chunk(other, second, 0, "x".repeat(30 * 1024));
        refused(ErrorCode.BUSY, () -> chunk(other, second, 1, "x".repeat(20 * 1024)));
        assertEquals(60 * 1024 + Uploads.CHUNK_OVERHEAD, uploads.heldBytes(), "the refused upload gave its share back");
        refused(ErrorCode.UPLOAD_NOT_FOUND, () -> chunk(other, second, 1, "x"));
        chunk(session, big, 1, "x".repeat(1024));
    }

    @Test
    void tinyChunksCountTheirOverheadAgainstTheBudget() {
        // 100 KiB for all uploads: one-character chunks reach it after ~1,560 chunks, not 102,400.
        String upload = begin(session, false);
        int accepted = 0;
        AdminException busy = null;
        for (int seq = 0; seq < 200_000 && busy == null; seq++) {
            try {
                chunk(session, upload, seq, "x");
                accepted++;
            } catch (AdminException e) {
                busy = e;
            }
        }
        assertEquals(ErrorCode.BUSY, busy == null ? null : busy.code(), "refused at " + accepted + " chunks");
        assertEquals(100 * 1024 / (1 + Uploads.CHUNK_OVERHEAD), accepted);
        assertEquals(0, uploads.heldBytes(), "the refused upload was discarded and gave its bytes back");
        int next = accepted;
        refused(ErrorCode.UPLOAD_NOT_FOUND, () -> chunk(session, upload, next, "x"));
    }

    @Test
    void textBeyondLatin1CostsTwoBytesPerCharacter() {
        assertEquals(Uploads.CHUNK_OVERHEAD + 3, Uploads.cost("abc"));
        assertEquals(Uploads.CHUNK_OVERHEAD + 6, Uploads.cost("ab\u20ac"));
    }

    @Test
    void abortDiscardsTheUpload() {
        String upload = begin(session, false);
        chunk(session, upload, 0, document(10));
        assertEquals(
                upload,
                call(session, Op.APPLY_ABORT, args().put("upload", upload))
                        .get("upload")
                        .textValue());
        assertEquals(0, uploads.heldBytes());
        refused(ErrorCode.UPLOAD_NOT_FOUND, () -> commit(session, upload));
        assertEquals(0, operations.revision());
        assertFalse(begin(session, false).equals(upload), "ids are not reused");
    }

    @Test
    void aClosedConnectionLeavesTheStateUntouchedAndFreesItsUpload() {
        String upload = begin(session, false);
        chunk(session, upload, 0, document(40));
        session.close();
        assertEquals(0, uploads.heldBytes());
        refused(ErrorCode.UPLOAD_NOT_FOUND, () -> commit(session, upload));
        assertEquals(0, operations.revision());
        assertTrue(operations.state().forwards().isEmpty());
        begin(session, false); // a worker finishing a begin after the close holds nothing
        assertEquals(0, uploads.heldBytes());
    }

    @Test
    void aBadDocumentIsRefusedLikeApplyAndEndsTheUpload() {
        String invalid = "{\"forwards\":[{\"name\":\"a\",\"listen\":\"70000\",\"to\":[\"10.0.1.1:1\"]}]}";
        String upload = begin(session, false);
        chunk(session, upload, 0, invalid.substring(0, 20));
        chunk(session, upload, 1, invalid.substring(20));
        AdminException viaUpload = assertThrows(AdminException.class, () -> commit(session, upload));
        AdminException viaApply = assertThrows(
                AdminException.class, () -> call(session, Op.APPLY, args().set("state", readTree(invalid))));
        assertEquals(viaApply.code(), viaUpload.code());
        assertEquals(viaApply.field(), viaUpload.field());
        assertEquals(fieldsAndCodes(viaApply), fieldsAndCodes(viaUpload));
        assertTrue(viaUpload.getMessage().endsWith("(line 1, column 35)"), "the text's position is a bonus");
        assertEquals("forwards[0].listen", viaUpload.field());
        refused(ErrorCode.UPLOAD_NOT_FOUND, () -> commit(session, upload));

        String truncated = begin(session, false);
        chunk(session, truncated, 0, document(5).substring(0, 50));
        AdminException malformed = refused(ErrorCode.VALIDATION, () -> commit(session, truncated));
        assertEquals("MALFORMED_JSON", malformed.details().get(0).code());
        assertEquals(0, operations.revision());
        assertEquals(0, uploads.heldBytes());
    }

    @Test
    void badArgumentsAreBadRequests() {
        String upload = begin(session, false);
        for (String seq : List.of("-1", "\"0\"", "1.5", "null")) {
            ObjectNode args = args().put("upload", upload).put("data", "x");
            args.set("seq", readTree(seq));
            assertEquals(
                    "args.seq",
                    refused(ErrorCode.BAD_REQUEST, () -> call(session, Op.APPLY_CHUNK, args))
                            .field());
        }
        refused(
                ErrorCode.BAD_REQUEST,
                () -> call(session, Op.APPLY_CHUNK, args().put("upload", upload).put("seq", 0)));
        refused(
                ErrorCode.BAD_REQUEST,
                () -> call(
                        session, Op.APPLY_COMMIT, args().put("upload", upload).put("x", 1)));
        refused(ErrorCode.BAD_REQUEST, () -> call(session, Op.APPLY_BEGIN, args().put("dry_run", "yes")));
        assertEquals(0, chunk(session, upload, 0, "").get("chars").longValue(), "bad requests changed nothing");
    }

    private static List<String> fieldsAndCodes(AdminException e) {
        return e.details().stream().map(d -> d.field() + " " + d.code()).toList();
    }

    private static JsonNode readTree(String json) {
        try {
            return TestJson.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
