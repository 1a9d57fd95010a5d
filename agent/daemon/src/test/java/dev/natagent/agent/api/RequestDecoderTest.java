package dev.natagent.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.protocol.Op;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestDecoderTest {
    private final RequestDecoder decoder = new RequestDecoder(AdminServer.MAX_REQUEST_TOKENS);

    private Request decode(String line) throws RequestDecoder.DecodeFailure {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return decoder.decode(bytes, 0, bytes.length);
    }

    @Test
    void decodesAWellFormedRequest() throws Exception {
        Request request = decode("{\"v\":1,\"id\":\"a1\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}}");
        assertEquals("a1", request.id());
        assertEquals(Op.FORWARD_REMOVE, request.op());
        assertEquals("redis", request.args().requiredString("name"));
        assertTrue(request.mutating());
    }

    @Test
    void missingArgsAreAnEmptyObject() throws Exception {
        Request request = decode("{\"v\":1,\"id\":\"x\",\"op\":\"status\"}");
        assertTrue(request.args().isEmpty());
        assertFalse(request.mutating());
    }

    @Test
    void applyDryRunDoesNotMutateButAnythingElseDoes() throws Exception {
        assertFalse(decode("{\"v\":1,\"id\":\"x\",\"op\":\"apply\",\"args\":{\"dry_run\":true}}")
                .mutating());
        assertTrue(decode("{\"v\":1,\"id\":\"x\",\"op\":\"apply\",\"args\":{\"dry_run\":false}}")
                .mutating());
        assertTrue(decode("{\"v\":1,\"id\":\"x\",\"op\":\"apply\",\"args\":{\"dry_run\":\"true\"}}")
                .mutating());
    }

    /** line | expected code | expected field ("-" for none) | whether the id is echoed. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "`not json`|BAD_REQUEST|-|false",
                "`{`|BAD_REQUEST|-|false",
                "`[1,2]`|BAD_REQUEST|-|false",
                "`\"text\"`|BAD_REQUEST|-|false",
                "`42`|BAD_REQUEST|-|false",
                "`null`|BAD_REQUEST|-|false",
                "`{}`|BAD_REQUEST|id|false",
                "`{\"v\":1,\"op\":\"status\"}`|BAD_REQUEST|id|false",
                "`{\"v\":1,\"id\":7,\"op\":\"status\"}`|BAD_REQUEST|id|false",
                "`{\"v\":1,\"id\":\"\",\"op\":\"status\"}`|BAD_REQUEST|id|false",
                "`{\"id\":\"a\",\"op\":\"status\"}`|BAD_REQUEST|v|true",
                "`{\"v\":\"1\",\"id\":\"a\",\"op\":\"status\"}`|BAD_REQUEST|v|true",
                "`{\"v\":1.5,\"id\":\"a\",\"op\":\"status\"}`|BAD_REQUEST|v|true",
                "`{\"v\":2,\"id\":\"a\",\"op\":\"status\"}`|UNSUPPORTED_VERSION|v|true",
                "`{\"v\":99999999999999999999,\"id\":\"a\",\"op\":\"status\"}`|UNSUPPORTED_VERSION|v|true",
                "`{\"v\":1,\"id\":\"a\"}`|BAD_REQUEST|op|true",
                "`{\"v\":1,\"id\":\"a\",\"op\":3}`|BAD_REQUEST|op|true",
                "`{\"v\":1,\"id\":\"a\",\"op\":\"forward.explode\"}`|UNKNOWN_OP|op|true",
                "`{\"v\":1,\"id\":\"a\",\"op\":\"status\",\"args\":[]}`|BAD_REQUEST|args|true",
                "`{\"v\":1,\"id\":\"a\",\"op\":\"status\",\"args\":\"x\"}`|BAD_REQUEST|args|true",
                "`{\"v\":1,\"id\":\"a\",\"op\":\"status\",\"extra\":1}`|BAD_REQUEST|extra|true",
                "`{\"v\":1,\"id\":\"a\",\"id\":\"b\",\"op\":\"status\"}`|BAD_REQUEST|-|false",
                "`{\"v\":1,\"id\":\"a\",\"op\":\"status\"} {}`|BAD_REQUEST|-|false",
            })
    void refusesBadLinesWithAClearError(String line, ErrorCode code, String field, boolean idEchoed) {
        RequestDecoder.DecodeFailure failure = assertThrows(RequestDecoder.DecodeFailure.class, () -> decode(line));
        assertEquals(code, failure.error().code(), failure.getMessage());
        assertEquals("-".equals(field) ? null : field, failure.error().field());
        if (idEchoed) {
            assertEquals("a", failure.id());
        } else {
            assertNull(failure.id());
        }
        assertFalse(failure.error().getMessage().isBlank());
    }

    @Test
    void deepNestingIsABadRequestNotAStackOverflow() {
        String deep = "{\"v\":1,\"id\":\"a\",\"op\":\"status\",\"args\":{\"x\":" + "[".repeat(100_000)
                + "]".repeat(100_000) + "}}";
        RequestDecoder.DecodeFailure failure = assertThrows(RequestDecoder.DecodeFailure.class, () -> decode(deep));
        assertEquals(ErrorCode.BAD_REQUEST, failure.error().code());
    }

    @Test
    void invalidUtf8IsABadRequest() {
        byte[] line = {
            '{', '"', 'v', '"', ':', '1', ',', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'
        };
        RequestDecoder.DecodeFailure failure =
                assertThrows(RequestDecoder.DecodeFailure.class, () -> decoder.decode(line, 0, line.length));
        assertEquals(ErrorCode.BAD_REQUEST, failure.error().code());
    }

    @Test
    void echoedValuesInMessagesAreShort() {
        String longOp = "x".repeat(10_000);
        RequestDecoder.DecodeFailure failure = assertThrows(
                RequestDecoder.DecodeFailure.class, () -> decode("{\"v\":1,\"id\":\"a\",\"op\":\"" + longOp + "\"}"));
        assertTrue(failure.getMessage().length() < 200, failure.getMessage());
    }

    @Test
    void theEnvelopesKeysComeInAnyOrder() throws Exception {
        Request request = decode("{\"args\":{\"name\":\"redis\"},\"op\":\"forward.remove\",\"id\":\"a1\",\"v\":1}");
        assertEquals("a1", request.id());
        assertEquals(Op.FORWARD_REMOVE, request.op());
        assertEquals("redis", request.args().requiredString("name"));
    }

    /** The line's whole syntax is checked before any of it is used: a key twice anywhere is malformed. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "`{\"v\":1,\"id\":\"a\",\"op\":\"forward.add\",\"args\":{\"force\":true,\"force\":false}}`",
                "`{\"v\":1,\"id\":\"a\",\"op\":\"forward.add\",\"args\":{\"forward\":{\"name\":\"a\",\"name\":\"b\"}}}`",
                "`{\"v\":1,\"id\":\"a\",\"op\":\"status\",\"args\":{\"x\":[{\"y\":1,\"y\":2}]}}`",
                "`{\"v\":1,\"id\":\"a\",\"op\":\"forward.add\",\"args\":{\"forward\":{\"name\":\"a\",}}}`",
                "`{\"v\":1,\"id\":\"a\",\"op\":\"status\",\"args\":{}} {}`",
            })
    void aSyntaxErrorAnywhereIsMalformed(String line) {
        RequestDecoder.DecodeFailure failure = assertThrows(RequestDecoder.DecodeFailure.class, () -> decode(line));
        assertEquals(ErrorCode.BAD_REQUEST, failure.error().code());
        assertTrue(failure.getMessage().startsWith("malformed JSON: "), failure.getMessage());
        assertNull(failure.id());
    }

    @Test
    void anObjectArgumentIsReadOnceByTheOpsReader() throws Exception {
        Request request = decode("{\"v\":1,\"id\":\"a\",\"op\":\"forward.add\",\"args\":{\"forward\":"
                + "{\"name\":\"redis\",\"listen\":7003,\"to\":[\"10.0.1.230:6379\"]},\"force\":true}}");
        Args args = Args.of(request, "forward", "force");
        assertTrue(args.optionalBoolean("force"));
        assertTrue(args.model("forward", dev.natagent.agent.model.Forward.class).isEmpty());
        var refused = assertThrows(
                dev.natagent.agent.model.ValidationException.class,
                () -> args.requiredModel("forward", dev.natagent.agent.model.Forward.class));
        assertEquals("listen", refused.first().field());
        assertEquals(
                "wrong type: expected a port or port range string such as \"6379-6381\"",
                refused.first().message(),
                "no line and column: they would be the request line's");
    }
}
