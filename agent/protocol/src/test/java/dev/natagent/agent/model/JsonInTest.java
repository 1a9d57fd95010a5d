package dev.natagent.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the strict reader refuses, at every level of a state document, and how it says so. */
class JsonInTest {
    private static final String FORWARD = "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"]}";
    private static final String SPEC =
            "\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"10.0.1.10:6379\",\"listen\":\"7000-7009\"";
    private static final String NODE =
            "\"id\":\"a1\",\"address\":\"10.0.1.230\",\"port\":6379,\"role\":\"primary\",\"listen_port\":7000";

    private static FieldError refusal(String json) {
        return assertThrows(ValidationException.class, () -> ModelJson.read(json, NatState.class))
                .first();
    }

    /** document | field | code: a key met twice is malformed JSON, said of the object holding it. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"forwards\":[],\"forwards\":[]} | '' ",
                "{\"settings\":{\"ssh_port\":22,\"ssh_port\":23}} | settings",
                "{\"settings\":{\"ha\":{\"floating_addresses\":[],\"floating_addresses\":[]}}} | settings.ha",
                "{\"forwards\":[{\"name\":\"a\",\"listen\":\"1\",\"listen\":\"2\"}]} | forwards[0]",
                "{\"outbounds\":[{\"out\":\"eth0\",\"out\":\"eth1\"}]} | outbounds[0]",
                "{\"clusters\":[{\"name\":\"a\",\"version\":1,\"version\":2}]} | clusters[0]",
            })
    void aKeyTwiceIsRefusedAtEveryLevel(String json, String field) {
        FieldError error = refusal(json);
        assertEquals(field, error.field(), error.toString());
        assertEquals(ErrorCode.MALFORMED_JSON, error.code(), error.toString());
        assertTrue(error.message().contains("Duplicate field"), error.toString());
    }

    @Test
    void unknownKeysAreRefusedAtEveryLevelNamingTheKnownOnes() {
        String forward = FORWARD.replace("}", ",\"colour\":1}");
        assertUnknown("{\"colour\":1}", "colour", "clusters, forwards, outbounds, schema_version, settings");
        assertUnknown(
                "{\"settings\":{\"colour\":1}}",
                "settings.colour",
                "full_check_interval_seconds, ha, manage_ip_forward, public_address, resolve_interval_seconds,"
                        + " ssh_port");
        assertUnknown(
                "{\"settings\":{\"ha\":{\"floating_addresses\":[\"10.0.0.5\"],\"colour\":1}}}",
                "settings.ha.colour",
                "conntrackd_socket, floating_addresses");
        assertUnknown(
                "{\"forwards\":[" + FORWARD + "," + forward.replace("\"a\"", "\"b\"") + "]}",
                "forwards[1].colour",
                "allow, force, listen, name, proto, snat, to");
        assertUnknown(
                "{\"outbounds\":[{\"name\":\"o\",\"source\":[\"10.0.0.0/8\"],\"out\":\"eth0\",\"colour\":1}]}",
                "outbounds[0].colour",
                "name, out, source");
        assertUnknown(
                "{\"clusters\":[{" + SPEC + ",\"colour\":1}]}",
                "clusters[0].colour",
                "allow, auth_file, ca_file, config_port, endpoint, engine, grace_seconds, listen, name, nodes,"
                        + " poll_interval_seconds, public_address, snat, tls, version");
        assertUnknown(
                "{\"clusters\":[{" + SPEC + ",\"nodes\":[{" + NODE + ",\"colour\":1}]}]}",
                "clusters[0].nodes[0].colour",
                "address, host, id, listen_port, port, role, vanished_at");
    }

    private static void assertUnknown(String json, String field, String known) {
        FieldError error = refusal(json);
        assertEquals(field, error.field(), error.toString());
        assertEquals(ErrorCode.UNKNOWN_FIELD, error.code(), error.toString());
        assertTrue(
                error.message().startsWith("unknown field 'colour' (known fields: " + known + ") (line 1, column "),
                error.toString());
    }

    /** document | field | the type the message expects. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"schema_version\":\"1\"} | schema_version | an integer",
                "{\"schema_version\":1.0} | schema_version | an integer",
                "{\"settings\":[]} | settings | an object",
                "{\"settings\":{\"manage_ip_forward\":\"yes\"}} | settings.manage_ip_forward | true or false",
                "{\"settings\":{\"ha\":{\"floating_addresses\":\"10.0.0.5\"}}} | settings.ha.floating_addresses"
                        + " | an array",
                "{\"forwards\":{}} | forwards | an array",
                "{\"forwards\":[7]} | forwards[0] | an object",
                "{\"forwards\":[{\"name\":[\"a\"]}]} | forwards[0].name | a string",
                "{\"outbounds\":[{\"out\":{}}]} | outbounds[0].out | a string",
                "{\"clusters\":[{\"version\":\"3\"}]} | clusters[0].version | an integer",
                "{\"clusters\":[{\"tls\":1}]} | clusters[0].tls | true or false",
                "{\"clusters\":[{\"engine\":7}]} | clusters[0].engine | a string",
                "{\"clusters\":[{\"nodes\":{}}]} | clusters[0].nodes | an array",
                "{\"clusters\":[{\"nodes\":[{\"port\":\"6379\"}]}]} | clusters[0].nodes[0].port | an integer",
                "[] | '' | an object",
            })
    void wrongTypesAreRefusedWithTheirPath(String json, String field, String expected) {
        FieldError error = refusal(json);
        assertEquals(field, error.field(), error.toString());
        assertEquals(ErrorCode.INVALID_TYPE, error.code(), error.toString());
        assertTrue(error.message().startsWith("wrong type: expected " + expected), error.toString());
    }

    /** document | field: a null in a list is no entry; a null field is an absent one. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"forwards\":[null]} | forwards[0]",
                "{\"outbounds\":[null]} | outbounds[0]",
                "{\"clusters\":[null]} | clusters[0]",
                "{\"forwards\":[{\"name\":\"a\",\"listen\":\"1-2\",\"to\":[\"10.0.0.1:1\",null]}]} | forwards[0].to[1]",
                "{\"forwards\":[{\"name\":\"a\",\"listen\":\"1\",\"to\":[\"10.0.0.1:1\"],\"allow\":[null]}]}"
                        + " | forwards[0].allow[0]",
                "{\"outbounds\":[{\"name\":\"o\",\"source\":[null],\"out\":\"eth0\"}]} | outbounds[0].source[0]",
                "{\"settings\":{\"ha\":{\"floating_addresses\":[null]}}} | settings.ha.floating_addresses[0]",
                "{\"clusters\":[{\"nodes\":[null]}]} | clusters[0].nodes[0]",
            })
    void nullsInListsAreRefused(String json, String field) {
        FieldError error = refusal(json);
        assertEquals(field, error.field(), error.toString());
        assertEquals(ErrorCode.MISSING_FIELD, error.code(), error.toString());
    }

    @Test
    void nullFieldsAreAbsentOnes() {
        assertEquals(
                NatState.empty(),
                ModelJson.read(
                        "{\"schema_version\":null,\"settings\":null,\"forwards\":null,\"outbounds\":null,"
                                + "\"clusters\":null}",
                        NatState.class));
        assertEquals(
                ModelJson.read(FORWARD, Forward.class),
                ModelJson.read(
                        FORWARD.replace("}", ",\"proto\":null,\"allow\":null,\"snat\":null,\"force\":null}"),
                        Forward.class));
    }

    /** document | message start: nothing but one value is a document. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "'' | empty document",
                "'  ' | empty document",
                "{} {} | unexpected content after the JSON value (line 1, column 4)",
                "{} x | malformed JSON (line 1, column 4): Unrecognized token 'x'",
                "{\"forwards\":[] | malformed JSON (line 1, column ",
                "{\"forwards\":[}} | malformed JSON (line 1, column 14): Unexpected close marker '}'",
            })
    void onlyOneValueIsADocument(String json, String message) {
        FieldError error = refusal(json);
        assertEquals(ErrorCode.MALFORMED_JSON, error.code(), error.toString());
        assertTrue(error.message().startsWith(message), error.toString());
    }

    @Test
    void aNullDocumentIsNotAnObject() {
        FieldError error = refusal("null");
        assertEquals(ErrorCode.INVALID_TYPE, error.code());
        assertEquals("expected a JSON object, found null or nothing", error.message());
    }

    @Test
    void keysComeInAnyOrder() {
        Forward forward = ModelJson.read(
                "{\"to\":[\"10.0.1.230:6379\"],\"force\":true,\"snat\":\"none\",\"listen\":\"6379\",\"name\":\"a\"}",
                Forward.class);
        assertEquals("a", forward.name());
        assertEquals(PortRange.single(6379), forward.listen());
        assertEquals(ReturnPath.NONE, forward.returnPath());
        assertTrue(forward.force());
        List<StateChange> changes = List.of(ModelJson.read(
                "[{\"name\":\"b\",\"op\":\"remove_forward\"},{\"forward\":" + FORWARD + ",\"op\":\"put_forward\"}]",
                StateChange[].class));
        assertEquals(
                List.of(
                        new StateChange.RemoveForward("b"),
                        new StateChange.PutForward(ModelJson.read(FORWARD, Forward.class))),
                changes);
    }

    /** A change names its type; a key of another type's, or none of its own, is refused. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[{\"name\":\"b\"}] | [0].op | MISSING_FIELD",
                "[{\"op\":\"explode\"}] | [0].op | INVALID_VALUE",
                "[{\"op\":\"remove_forward\"}] | [0].name | MISSING_FIELD",
                "[{\"op\":\"put_forward\",\"name\":\"b\"}] | [0].name | UNKNOWN_FIELD",
                "[{\"op\":\"remove_forward\",\"name\":\"b\",\"x\":1}] | [0].x | UNKNOWN_FIELD",
                "[null] | [0] | MISSING_FIELD",
            })
    void changesAreRefusedByTheirType(String json, String field, ErrorCode code) {
        FieldError error = assertThrows(ValidationException.class, () -> ModelJson.read(json, StateChange[].class))
                .first();
        assertEquals(field, error.field(), error.toString());
        assertEquals(code, error.code(), error.toString());
    }

    @Test
    void deepNestingIsAClearErrorNotACrash() {
        String deep = "[".repeat(100_000);
        FieldError inAList = refusal("{\"forwards\":[" + deep);
        assertEquals("forwards[0]", inAList.field());
        assertEquals(ErrorCode.INVALID_TYPE, inAList.code());
        FieldError asAValue = refusal("{\"forwards\":[{\"name\":" + deep);
        assertEquals(ErrorCode.INVALID_TYPE, asAValue.code());
        FieldError unknown = refusal("{\"x\":" + deep);
        assertEquals(ErrorCode.UNKNOWN_FIELD, unknown.code());
    }

    /** document | field | code: numbers too large for their field are refused, never wrapped around. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"settings\":{\"ssh_port\":4294967318}} | settings.ssh_port | INVALID_TYPE",
                "{\"schema_version\":99999999999999999999999} | schema_version | INVALID_TYPE",
                "{\"clusters\":[{\"version\":99999999999999999999999}]} | clusters[0].version | INVALID_TYPE",
                "{\"forwards\":[{\"listen\":1e999999}]} | forwards[0].listen | INVALID_TYPE",
                "{\"settings\":{\"ssh_port\":1e3}} | settings.ssh_port | INVALID_TYPE",
            })
    void hugeNumbersAreRefused(String json, String field, ErrorCode code) {
        FieldError error = refusal(json);
        assertEquals(field, error.field(), error.toString());
        assertEquals(code, error.code(), error.toString());
    }

    @Test
    void aNumberLongerThanTheParsersLimitIsMalformed() {
        FieldError error = refusal("{\"schema_version\":" + "9".repeat(5_000) + "}");
        assertEquals(ErrorCode.MALFORMED_JSON, error.code(), error.toString());
    }

    @Test
    void anEmbeddedValueNamesNoPositionAndReadsOnlyItsRange() {
        byte[] line = ("{\"args\":{\"forward\":" + FORWARD.replace("\"6379\"", "\"70000\"") + "},\"x\":[")
                .getBytes(StandardCharsets.UTF_8);
        int start = "{\"args\":{\"forward\":".length();
        int length = FORWARD.length() + 1;
        ValidationException e = assertThrows(
                ValidationException.class, () -> ModelJson.readEmbedded(line, start, length, Forward.class));
        assertEquals("listen", e.first().field());
        assertEquals("port 70000 is outside 1-65535", e.first().message());
    }

    @Test
    void aRefusalByAConstructorIsPlacedAtItsObject() {
        FieldError error = refusal("{\"forwards\":[" + FORWARD + ",\n"
                + FORWARD.replace("\"a\"", "\"b\"").replace("\"6379\"", "\"6379-6380\"") + "]}");
        assertEquals("forwards[1].to", error.field());
        assertEquals(ErrorCode.TARGET_COUNT_MISMATCH, error.code());
        // The refusal is the constructor's, once the parser is at the object's closing brace.
        assertTrue(error.message().endsWith(" (line 2, column " + (FORWARD.length() + 5) + ")"), error.message());
    }
}
