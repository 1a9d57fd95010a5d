package dev.natagent.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelJsonTest {
    @Test
    void forwardsReadWithEqualAllowListsShareOneList() {
        NatState state = ModelJson.read(
                "{\"forwards\":["
                        + "{\"name\":\"a\",\"listen\":\"7001\",\"to\":[\"10.0.1.1:6379\"],\"allow\":[\"198.51.100.0/24\"]},"
                        + "{\"name\":\"b\",\"listen\":\"7002\",\"to\":[\"10.0.1.2:6379\"],\"allow\":[\"198.51.100.0/24\"]},"
                        + "{\"name\":\"c\",\"listen\":\"7003\",\"to\":[\"10.0.1.3:6379\"],\"allow\":[\"203.0.113.0/24\"]}]}",
                NatState.class);
        List<Cidr> a = state.forward("a").orElseThrow().allow();
        List<Cidr> b = state.forward("b").orElseThrow().allow();
        List<Cidr> c = state.forward("c").orElseThrow().allow();

        assertSame(a, b);
        assertNotSame(a, c);
        assertEquals(List.of(Cidr.parse("203.0.113.0/24")), c);
    }

    static final String ELASTICACHE =
            """
            {"settings": {"manage_ip_forward": true, "resolve_interval_seconds": 30},
             "forwards": [
              {"name":"redis","proto":"tcp","listen":"6379-6381",
               "to":["10.0.1.230:6379","10.0.1.231:6379","10.0.1.232:6379"],
               "allow":["198.51.100.27/32"],"snat":"masquerade"},
              {"name":"memcached","listen":"11211-11213",
               "to":["node-1.abc.cfg.use1.cache.amazonaws.com:11211","node-2.abc.cfg.use1.cache.amazonaws.com:11211","node-3.abc.cfg.use1.cache.amazonaws.com:11211"],
               "allow":["198.51.100.27/32"],"snat":"10.0.0.55"}
             ],
             "outbounds": [{"name":"private","source":["10.0.0.0/16"],"out":"ens5"}]}
            """;

    @Test
    void elastiCacheExampleParsesAndRoundTrips() {
        NatState state = ModelJson.read(ELASTICACHE, NatState.class);
        assertEquals(List.of("memcached", "redis"), List.copyOf(state.forwards().keySet()));
        Forward redis = state.forward("redis").orElseThrow();
        assertEquals(new PortRange(6379, 6381), redis.listen());
        assertEquals(Target.parse("10.0.1.231:6379"), redis.targetFor(6380));
        Forward memcached = state.forward("memcached").orElseThrow();
        assertEquals(Protocol.TCP, memcached.proto());
        assertEquals(ReturnPath.snatTo(Ipv4.parse("10.0.0.55")), memcached.returnPath());
        String json = ModelJson.write(state);
        assertEquals(state, ModelJson.read(json, NatState.class));
        assertTrue(json.contains("\"schema_version\":1"), json);
        assertTrue(json.contains("\"snat\":\"masquerade\""), json);
        assertTrue(json.contains("\"manage_ip_forward\":true"), json);
    }

    @Test
    void forceIsWrittenOnlyWhenSetAndReadBack() {
        Forward plain = ModelJson.read("{\"name\":\"jump\",\"listen\":\"22\",\"to\":[\"10.0.1.9:22\"]}", Forward.class);
        assertEquals(false, plain.force());
        assertFalse(ModelJson.write(plain).contains("force"), ModelJson.write(plain));
        Forward forced = plain.withForce(true);
        String json = ModelJson.write(forced);
        assertTrue(json.endsWith(",\"force\":true}"), json);
        assertEquals(forced, ModelJson.read(json, Forward.class));
    }

    @Test
    void aValueEmbeddedInARequestGivesFieldErrorsWithoutTheLinesPosition() {
        byte[] request = ("{\"v\":1,\"id\":\"a\",\"op\":\"forward.add\",\"args\":{\"forward\":"
                        + "{\"name\":\"redis\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"],\"allow\":[7]}}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int start = new String(request, java.nio.charset.StandardCharsets.UTF_8).indexOf("{\"name\"");
        ValidationException e = assertThrows(
                ValidationException.class,
                () -> ModelJson.readEmbedded(request, start, request.length - 2 - start, Forward.class));
        assertEquals("allow[0]", e.first().field());
        assertEquals(ErrorCode.INVALID_TYPE, e.first().code());
        assertEquals("wrong type: expected a string", e.first().message());
        assertEquals(
                "{\"field\":\"allow[0]\",\"code\":\"INVALID_TYPE\",\"message\":\""
                        + e.first().message() + "\"}",
                TestJson.write(e.first()));
    }

    /** The same strictness inside objects as at the top level: no number for a string, no lone value for a list. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"name\":\"a\",\"listen\":7003,\"to\":[\"10.0.1.230:6379\"]} | listen"
                        + " | a port or port range string",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":\"10.0.1.230:6379\"} | to | an array of HOST:PORT strings",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"],\"allow\":\"198.51.100.0/24\"} | allow"
                        + " | an array of CIDR strings",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"],\"snat\":167772161} | snat | a string",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"],\"proto\":6} | proto | a string",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[6379]} | to[0] | a string",
                "{\"name\":\"a\",\"listen\":{\"first\":1,\"last\":2},\"to\":[\"10.0.1.230:6379\"]} | listen"
                        + " | a port or port range string",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[{\"host\":\"10.0.1.230\",\"port\":6379}]} | to[0] | a string",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"],\"allow\":[{\"network\":\"10.0.0.0\","
                        + "\"prefix\":8}]} | allow[0] | a string",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"],\"snat\":{\"kind\":\"NONE\"}} | snat"
                        + " | a string",
            })
    void wrongTypesInsideAForwardAreRefused(String json, String field, String expected) {
        ValidationException e = assertThrows(ValidationException.class, () -> ModelJson.read(json, Forward.class));
        assertEquals(field, e.first().field(), e.getMessage());
        assertEquals(ErrorCode.INVALID_TYPE, e.first().code(), e.getMessage());
        assertTrue(
                e.first().message().contains("expected " + expected), e.first().message());
    }

    @Test
    void wrongTypesInsideADocumentNameTheirPath() {
        String document =
                """
                {"forwards": [{"name": "a", "listen": "6379", "to": ["10.0.1.230:6379"]},
                              {"name": "b", "listen": 7003, "to": ["10.0.1.230:6379"]}],
                 "outbounds": [{"name": "private", "source": "10.0.0.0/16", "out": "ens5"}]}
                """;
        ValidationException e = assertThrows(ValidationException.class, () -> ModelJson.read(document, NatState.class));
        assertEquals("forwards[1].listen", e.first().field(), e.getMessage());
        assertEquals(ErrorCode.INVALID_TYPE, e.first().code());
        String outbound = "{\"outbounds\": [{\"name\": \"private\", \"source\": \"10.0.0.0/16\", \"out\": \"ens5\"}]}";
        ValidationException source =
                assertThrows(ValidationException.class, () -> ModelJson.read(outbound, NatState.class));
        assertEquals("outbounds[0].source", source.first().field(), source.getMessage());
        assertEquals(ErrorCode.INVALID_TYPE, source.first().code());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"],\"colour\":1} | colour | UNKNOWN_FIELD",
                "{\"name\":\"a\",\"listen\":\"70000\",\"to\":[\"10.0.1.230:6379\"]} | listen | INVALID_PORT",
                "{\"name\":\"a\",\"listen\":[1],\"to\":[\"10.0.1.230:6379\"]} | listen | INVALID_TYPE",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.300:6379\"]} | to[0] | INVALID_ADDRESS",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[null]} | to[0] | MISSING_FIELD",
                "{\"name\":\"a\",\"listen\":\"6379-6380\",\"to\":[\"10.0.1.230:6379\"]} | to | TARGET_COUNT_MISMATCH",
                "{\"name\":12,\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"]} | name | INVALID_TYPE",
                "{\"name\":\"A\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"]} | name | INVALID_NAME",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"],\"allow\":[\"1.2.3.4/40\"]} | allow[0] | INVALID_CIDR",
                "{\"name\":\"a\",\"name\":\"b\"} | '' | MALFORMED_JSON",
                "{\"name\":\"a\" | '' | MALFORMED_JSON",
                "'' | '' | MALFORMED_JSON",
                "{\"name\":\"a\",\"listen\":99999999999,\"to\":[\"10.0.1.230:6379\"]} | listen | INVALID_TYPE",
                "{\"name\":\"a\",\"listen\":6379.5,\"to\":[\"10.0.1.230:6379\"]} | listen | INVALID_TYPE",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"],\"snat\":true} | snat | INVALID_TYPE",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"],\"proto\":\"icmp\"} | proto | INVALID_PROTOCOL",
                "[1] | '' | INVALID_TYPE",
                "{\"name\":\"a\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"]} {} | '' | MALFORMED_JSON",
            })
    void badForwardJsonGivesFieldError(String json, String field, ErrorCode code) {
        ValidationException e = assertThrows(ValidationException.class, () -> ModelJson.read(json, Forward.class));
        assertEquals(field, e.first().field(), e.getMessage());
        assertEquals(code, e.first().code(), e.getMessage());
    }
}
