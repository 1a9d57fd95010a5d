package dev.natagent.agent.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.natagent.agent.model.TestJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A string written in pieces through {@link JsonStringWriter} is byte for byte Jackson's own writeString. */
class JsonStringWriterTest {
    private static byte[] jackson(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = TestJson.mapper().getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("content", text);
            json.writeNumberField("after", 1);
            json.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /** The same document, the string written in pieces of random length (surrogate pairs split too). */
    private static byte[] streamed(String text, Random random) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = TestJson.mapper().getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            json.writeFieldName("content");
            try (Writer out = new JsonStringWriter(json)) {
                int at = 0;
                while (at < text.length()) {
                    int n = Math.min(text.length() - at, 1 + random.nextInt(20_000));
                    switch (random.nextInt(3)) {
                        case 0 -> out.write(text, at, n);
                        case 1 -> out.write(text.substring(at, at + n).toCharArray());
                        default -> {
                            for (int i = at; i < at + n; i++) {
                                out.write(text.charAt(i));
                            }
                        }
                    }
                    at += n;
                }
            }
            json.writeNumberField("after", 1);
            json.writeEndObject();
        }
        return bytes.toByteArray();
    }

    @Test
    void everyCharacterIsEscapedAsJacksonEscapesIt() throws IOException {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            all.append((char) c);
        }
        all.append("\uD83D\uDE00 nft \"quoted\" \\ tab\t newline\n");
        Random random = new Random(7);
        String text = all.toString();
        assertArrayEquals(jackson(text), streamed(text, random));
    }

    @Test
    void documentsOfTextAreTheSameInAnyPieces() throws IOException {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(round < 100 ? 50 : 60_000);
            for (int i = 0; i < length; i++) {
                text.append(
                        switch (random.nextInt(6)) {
                            case 0 -> (char) random.nextInt(0x20);
                            case 1 -> (char) (0xD800 + random.nextInt(0x800));
                            case 2 -> (char) random.nextInt(Character.MAX_VALUE + 1);
                            default -> (char) (' ' + random.nextInt(95));
                        });
            }
            assertArrayEquals(jackson(text.toString()), streamed(text.toString(), random), "round " + round);
        }
        assertArrayEquals(jackson(""), streamed("", random));
    }
}
