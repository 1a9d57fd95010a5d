package dev.natagent.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.Op;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Argument binding of every op, without a socket. */
class AdminDispatcherTest {
    private final FakeOperations operations = new FakeOperations();
    private final AdminDispatcher dispatcher = new AdminDispatcher(operations);

    /** The result as a client reads it: through the response line (results may stay objects until then). */
    private JsonNode call(Op op, String args) throws IOException {
        JsonWritable result = dispatcher.handle(
                Requests.of(op, TestJson.mapper().readTree(args)), new ClientSession(new Peer(0, 0, 1)));
        byte[] line = new ResponseEncoder().success("t", result).toByteArray();
        return TestJson.mapper().readTree(line).get("result");
    }

    @Test
    void listsAndDocumentsAreWrittenWhenTheResponseIs() throws Exception {
        call(Op.FORWARD_ADD, "{\"forward\":{\"name\":\"redis\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"]}}");
        ClientSession root = new ClientSession(new Peer(0, 0, 1));
        assertEquals("redis", call(Op.FORWARD_LIST, "{}").at("/forwards/0/name").textValue());
        JsonWritable export =
                dispatcher.handle(Requests.of(Op.EXPORT, TestJson.mapper().createObjectNode()), root);
        assertTrue(export instanceof Document, "a document is written when the response is");
        assertEquals(
                "redis", call(Op.EXPORT, "{}").at("/content/forwards/0/name").textValue());
    }

    private AdminException refused(Op op, String args) {
        return assertThrows(AdminException.class, () -> call(op, args));
    }

    @Test
    void everyOpBindsItsArguments() throws Exception {
        JsonNode added = call(
                Op.FORWARD_ADD,
                "{\"forward\":{\"name\":\"redis\",\"listen\":\"6379-6380\",\"to\":[\"10.0.1.230:6379\",\"10.0.1.231:6379\"]},"
                        + "\"force\":false}");
        assertEquals(1, added.get("revision").longValue());
        assertEquals("6379-6380", added.at("/forward/listen").textValue());
        assertEquals(
                "redis",
                call(Op.FORWARD_GET, "{\"name\":\"redis\"}").get("name").textValue());
        assertEquals(1, call(Op.FORWARD_LIST, "{}").get("forwards").size());
        JsonNode set = call(Op.FORWARD_SET, "{\"name\":\"redis\",\"set\":{\"snat\":\"none\"},\"force\":false}");
        assertEquals(2, set.get("revision").longValue());
        assertEquals("none", set.at("/forward/snat").textValue());
        assertEquals("snat masquerade -> none", set.get("changes").textValue());
        call(Op.OUTBOUND_ADD, "{\"outbound\":{\"name\":\"p\",\"source\":[\"10.0.0.0/16\"],\"out\":\"ens5\"}}");
        assertEquals("ens5", call(Op.OUTBOUND_LIST, "{}").at("/outbounds/0/out").textValue());
        assertEquals(
                4, call(Op.OUTBOUND_REMOVE, "{\"name\":\"p\"}").get("revision").longValue());
        assertEquals("ok", call(Op.STATUS, "{}").get("health").textValue());
        assertEquals("ok", call(Op.DOCTOR, "{}").at("/findings/0/severity").textValue());

        JsonNode export = call(Op.EXPORT, "{}");
        assertEquals("json", export.get("format").textValue());
        assertTrue(export.get("content").isObject(), "a JSON export is embedded as an object");
        assertEquals("redis", export.at("/content/forwards/0/name").textValue());
        assertTrue(call(Op.EXPORT, "{\"format\":\"nft\"}").get("content").isTextual());
        assertTrue(
                call(Op.METRICS, "{\"format\":\"prometheus\"}").get("content").isTextual());

        JsonNode dryRun = call(Op.APPLY, "{\"state\":{\"forwards\":[]},\"dry_run\":true}");
        assertEquals(false, dryRun.get("applied").booleanValue());
        assertEquals("redis", dryRun.at("/diff/forwards/removed/0/name").textValue());
        assertEquals(1, operations.state().forwards().size(), "dry run changed nothing");
        assertEquals(true, call(Op.APPLY, "{\"state\":{}}").get("applied").booleanValue());
        assertTrue(operations.state().forwards().isEmpty());
    }

    @Test
    void applyCanAnswerWithNamesOnly() throws Exception {
        call(Op.FORWARD_ADD, "{\"forward\":{\"name\":\"redis\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"]}}");
        String state = "{\"forwards\":[{\"name\":\"memcached\",\"listen\":\"11211\",\"to\":[\"10.0.1.240:11211\"]}]}";

        JsonNode names = call(Op.APPLY, "{\"state\":" + state + ",\"dry_run\":true,\"diff\":\"names\"}");

        assertEquals(
                TestJson.mapper()
                        .readTree("{\"applied\":false,\"revision\":1,\"diff\":{"
                                + "\"forwards\":{\"added\":[\"memcached\"],\"removed\":[\"redis\"],\"changed\":[],\"changes\":{}},"
                                + "\"outbounds\":{\"added\":[],\"removed\":[],\"changed\":[],\"changes\":{}},"
                                + "\"settings\":false,\"empty\":false}}"),
                names);
        AdminException unknown = refused(Op.APPLY, "{\"state\":" + state + ",\"diff\":\"some\"}");
        assertEquals(ErrorCode.BAD_REQUEST, unknown.code());
        assertEquals("args.diff", unknown.field());
        assertEquals("redis", operations.state().forwards().keySet().iterator().next(), "refused: nothing applied");
    }

    /** op | args | code | field. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "STATUS|`{\"x\":1}`|BAD_REQUEST|args.x",
                "FORWARD_ADD|`{}`|BAD_REQUEST|args.forward",
                "FORWARD_ADD|`{\"forward\":[]}`|BAD_REQUEST|args.forward",
                "FORWARD_ADD|`{\"forward\":{\"name\":\"a\",\"listen\":\"1\",\"to\":[\"10.0.1.1:1\"]},\"force\":\"yes\"}`|BAD_REQUEST|args.force",
                "FORWARD_ADD|`{\"forward\":{\"name\":\"a\",\"listen\":\"1\",\"to\":[\"10.0.1.1:1\"],\"colour\":\"red\"}}`|VALIDATION|colour",
                "FORWARD_ADD|`{\"forward\":{\"name\":\"a\",\"listen\":\"x\",\"to\":[\"10.0.1.1:1\"]}}`|VALIDATION|listen",
                "FORWARD_ADD|`{\"forward\":{\"name\":\"a\",\"listen\":\"22\",\"to\":[\"10.0.1.1:22\"]}}`|SSH_PORT_FORWARD|listen",
                "FORWARD_SET|`{\"name\":\"redis\"}`|BAD_REQUEST|args.set",
                "FORWARD_SET|`{\"set\":{}}`|BAD_REQUEST|args.name",
                "FORWARD_SET|`{\"name\":\"ghost\",\"set\":{\"snat\":\"none\"}}`|NOT_FOUND|name",
                "FORWARD_SET|`{\"name\":\"redis\",\"set\":{\"name\":\"other\"}}`|VALIDATION|name",
                "FORWARD_SET|`{\"name\":\"redis\",\"set\":{\"listen\":\"x\"}}`|VALIDATION|listen",
                "FORWARD_REMOVE|`{}`|BAD_REQUEST|args.name",
                "FORWARD_REMOVE|`{\"name\":[\"a\"]}`|BAD_REQUEST|args.name",
                "FORWARD_GET|`{\"name\":\"ghost\"}`|NOT_FOUND|name",
                "OUTBOUND_ADD|`{\"outbound\":{\"name\":\"p\",\"source\":[\"10.0.0.0/16\"],\"out\":\"a/b\"}}`|VALIDATION|out",
                "OUTBOUND_ADD|`{\"outbound\":{\"name\":\"p\",\"source\":[\"10.0.0.0/16\"],\"out\":\"*\"}}`|VALIDATION|out",
                "OUTBOUND_ADD|`{\"outbound\":{\"name\":\"p\",\"source\":[\"10.0.0.0/16\"],\"out\":\"en\\\"s5\"}}`|VALIDATION|out",
                "OUTBOUND_ADD|`{\"outbound\":{\"name\":\"p\",\"source\":\"10.0.0.0/16\",\"out\":\"ens5\"}}`|VALIDATION|source",
                "FORWARD_ADD|`{\"forward\":{\"name\":\"a\",\"listen\":\"1\",\"to\":[\"10.0.1.1:1\"],\"allow\":[\"198.51.100.27/24\"]}}`|VALIDATION|allow[0]",
                "FORWARD_ADD|`{\"forward\":{\"name\":\"a\",\"listen\":7003,\"to\":[\"10.0.1.1:1\"]}}`|VALIDATION|listen",
                "FORWARD_ADD|`{\"forward\":{\"name\":\"a\",\"listen\":\"1\",\"to\":[\"h.test\\u0000:1\"]}}`|VALIDATION|to[0]",
                "APPLY|`{\"state\":{\"forwards\":[{\"name\":\"a\",\"listen\":\"1\",\"to\":[\"10.0.1.1:1\"]},"
                        + "{\"name\":\"a\",\"listen\":\"2\",\"to\":[\"10.0.1.1:2\"]}]}}`|NAME_TAKEN|forwards[1].name",
                "APPLY|`{\"state\":{\"schema_version\":9}}`|VALIDATION|schema_version",
                "APPLY|`{\"dry_run\":true}`|BAD_REQUEST|args.state",
                "EXPORT|`{\"format\":\"xml\"}`|BAD_REQUEST|args.format",
                "METRICS|`{\"format\":1}`|BAD_REQUEST|args.format",
                "RELOAD|`{}`|NOT_FOUND|-",
            })
    void refusesBadArgumentsWithTheField(Op op, String args, ErrorCode code, String field) {
        AdminException error = refused(op, args);
        assertEquals(code, error.code(), error.getMessage());
        assertEquals("-".equals(field) ? null : field, error.field());
    }
}
