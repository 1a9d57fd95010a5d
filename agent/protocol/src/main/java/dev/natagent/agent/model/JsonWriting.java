package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Collection;
import java.util.List;

/**
 * The one JSON factory every writer of the model and the protocol shares (no ObjectMapper: making
 * one loads hundreds of classes), and the field shapes they all write. Output is compact, UTF-8 on
 * streams, with control characters escaped, so a value never holds a raw newline (NDJSON-safe).
 */
public final class JsonWriting {
    private static final JsonFactory FACTORY =
            JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private JsonWriting() {}

    /** A UTF-8 generator on {@code out}; closing it flushes, and leaves {@code out} open. */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        return FACTORY.createGenerator(out);
    }

    /** A generator on {@code out}; closing it flushes, and leaves {@code out} open. */
    public static JsonGenerator generator(Writer out) throws IOException {
        return FACTORY.createGenerator(out);
    }

    /** Streams {@code value} as UTF-8 to {@code out}, leaving it open (never whole in memory). */
    public static void write(JsonWritable value, OutputStream out) throws IOException {
        try (JsonGenerator json = generator(out)) {
            value.write(json);
        }
    }

    /** Compact single-line JSON text of a small value. */
    public static String toText(JsonWritable value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = generator(text)) {
            value.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a value could not be written as JSON", e);
        }
        return text.toString();
    }

    /** The UTF-8 bytes of a small value. */
    public static byte[] toBytes(JsonWritable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(value, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("a value could not be written as JSON", e);
        }
        return bytes.toByteArray();
    }

    /** {@code "name":"text"}, or {@code "name":null}: a value whose JSON form is its text (an address, a port range...). */
    public static void text(JsonGenerator out, String name, Object value) throws IOException {
        out.writeFieldName(name);
        if (value == null) {
            out.writeNull();
        } else {
            out.writeString(value.toString());
        }
    }

    /** {@code "name":"text"}, left out when {@code value} is null. */
    public static void optionalText(JsonGenerator out, String name, Object value) throws IOException {
        if (value != null) {
            out.writeStringField(name, value.toString());
        }
    }

    /** {@code "name":N}, left out when {@code value} is null. */
    public static void optionalNumber(JsonGenerator out, String name, Number value) throws IOException {
        if (value != null) {
            out.writeFieldName(name);
            out.writeNumber(value.longValue());
        }
    }

    /** {@code "name":{...}}, left out when {@code value} is null. */
    public static void optionalObject(JsonGenerator out, String name, JsonWritable value) throws IOException {
        if (value != null) {
            object(out, name, value);
        }
    }

    /** {@code "name":{...}}. */
    public static void object(JsonGenerator out, String name, JsonWritable value) throws IOException {
        out.writeFieldName(name);
        value.write(out);
    }

    /**
     * {@code "name":["text",...]}: values whose JSON form is their text. A list is walked by index:
     * an iterator per list is an object per forward written, which the daemon's JIT does not elide.
     */
    public static void texts(JsonGenerator out, String name, List<?> values) throws IOException {
        out.writeArrayFieldStart(name);
        for (int i = 0; i < values.size(); i++) {
            out.writeString(values.get(i).toString());
        }
        out.writeEndArray();
    }

    /** A listing's reply, {@code {"name":[{...},...]}}, written entry by entry when it is. */
    public static JsonWritable listing(String name, Collection<? extends JsonWritable> values) {
        return out -> {
            out.writeStartObject();
            objects(out, name, values);
            out.writeEndObject();
        };
    }

    /** {@code "name":[{...},...]}. */
    public static void objects(JsonGenerator out, String name, Collection<? extends JsonWritable> values)
            throws IOException {
        out.writeArrayFieldStart(name);
        for (JsonWritable value : values) {
            value.write(out);
        }
        out.writeEndArray();
    }
}
