package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JacksonException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code natctl apply}'s streaming read: the same bytes and errors as reading a tree and writing it back. */
class CliJsonTest {
    @Test
    void anObjectComesBackOnOneLineAsTheTreeWouldWriteIt() throws IOException {
        String pretty =
                "{\n  \"forwards\" : [ {\"name\": \"r\\u00e9dis\", \"listen\": 6379, \"to\": [\"10.0.1.230:6379\"]} ],\n"
                        + "  \"settings\": {\"big\": 123456789012345678901234567890, \"x\": 1.10, \"n\": null, \"t\": true} }\n";

        byte[] streamed = CliJson.compactObject(in(pretty));

        assertArrayEquals(CliJson.compactBytes(CliJson.read(in(pretty))), streamed);
        assertEquals(
                "{\"forwards\":[{\"name\":\"rédis\",\"listen\":6379,\"to\":[\"10.0.1.230:6379\"]}],"
                        + "\"settings\":{\"big\":123456789012345678901234567890,\"x\":1.10,\"n\":null,\"t\":true}}",
                new String(streamed, StandardCharsets.UTF_8));
    }

    @Test
    void whatIsNotOneObjectIsRefused() {
        assertThrows(CliJson.NotAnObjectException.class, () -> CliJson.compactObject(in("[1, 2]")));
        assertThrows(CliJson.NotAnObjectException.class, () -> CliJson.compactObject(in("\"state\"")));
        for (String broken :
                new String[] {"", "  ", "{\"a\": 1", "{\"a\": 1} {}", "{\"a\": 1} x", "{\"a\": }", "{\"a\":1,\"a\":2}"
                }) {
            assertThrows(JacksonException.class, () -> CliJson.compactObject(in(broken)), broken);
        }
    }

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
