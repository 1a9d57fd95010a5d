package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JacksonException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code natctl apply}'s checks of a large document before it goes to the agent as text. */
class CliJsonTest {
    @Test
    void oneObjectPassesAsItIsWhateverItsLayout() throws IOException {
        CliJson.checkObject("{\n  \"forwards\" : [ {\"name\": \"r\\u00e9dis\", \"listen\": \"6379\"} ],\n"
                + "  \"settings\": {\"big\": 123456789012345678901234567890, \"x\": 1.10, \"n\": null} }\n");
        // Repeated keys are the agent's to report (with line and column); the check lets them through.
        CliJson.checkObject("{\"a\":1,\"a\":2}");
    }

    @Test
    void whatIsNotOneObjectIsRefused() {
        assertThrows(CliJson.NotAnObjectException.class, () -> CliJson.checkObject("[1, 2]"));
        assertThrows(CliJson.NotAnObjectException.class, () -> CliJson.checkObject("\"state\""));
        for (String broken : new String[] {
            "", "  ", "{\"a\": 1", "{\"a\": 1} {}", "{\"a\": 1} x", "{\"a\": }", "{\"a\": \"\\q\"}", "{\"a\": [1,]}"
        }) {
            assertThrows(JacksonException.class, () -> CliJson.checkObject(broken), broken);
        }
    }

    @Test
    void textMustBeUtf8AndLosesItsByteOrderMark() throws IOException {
        byte[] withMark = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'};
        assertEquals("{}", CliJson.utf8(withMark));
        assertEquals("{\"n\":\"é\"}", CliJson.utf8("{\"n\":\"é\"}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(CharacterCodingException.class, () -> CliJson.utf8(new byte[] {'{', (byte) 0xe9, '}'}));
        // A replacement character written in the file is text like any other.
        assertEquals("\ufffd", CliJson.utf8("\ufffd".getBytes(StandardCharsets.UTF_8)));
    }
}
