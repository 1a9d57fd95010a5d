package dev.natagent.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * An export or metrics document, written only when the response is, straight into it: at 50,000
 * forwards one is megabytes, and built first as a String, then copied into the response, it
 * would be held two or three times over for one request. On the wire it is {@code
 * {"format":..,"content":..}}: a JSON document's content embedded as an object (clients need not
 * parse a string inside JSON), any other as a string.
 */
public final class Document implements JsonWritable {
    /** Writes a text document; the writer escapes it into a JSON string as it goes. */
    @FunctionalInterface
    public interface TextContent {
        void writeTo(Writer out) throws IOException;
    }

    private final String format;
    private final JsonWritable json;
    private final TextContent text;

    private Document(String format, JsonWritable json, TextContent text) {
        this.format = format;
        this.json = json;
        this.text = text;
    }

    public static Document json(String format, JsonWritable content) {
        return new Document(format, content, null);
    }

    public static Document text(String format, TextContent content) {
        return new Document(format, null, content);
    }

    public String format() {
        return format;
    }

    /** The whole content as one string (the JSON text, or the text): for tests and small documents. */
    public String content() {
        StringWriter out = new StringWriter();
        try {
            if (text != null) {
                text.writeTo(out);
            } else {
                try (JsonGenerator generator = JsonWriting.generator(out)) {
                    json.write(generator);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing a document to a string failed", e);
        }
        return out.toString();
    }

    @Override
    public void write(JsonGenerator generator) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("format", format);
        generator.writeFieldName("content");
        if (text != null) {
            try (Writer out = new JsonStringWriter(generator)) {
                text.writeTo(out);
            }
        } else {
            json.write(generator);
        }
        generator.writeEndObject();
    }
}
