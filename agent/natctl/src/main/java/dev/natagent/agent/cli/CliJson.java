package dev.natagent.agent.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * JSON for natctl with jackson-core and the tree node classes only. Building an ObjectMapper
 * costs natctl about a third of its run time, so the client reads and writes trees by hand.
 */
final class CliJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** For {@link #checkObject}: a set of keys per object would be most of its time at 50,000 forwards. */
    private static final JsonFactory SCANNER = JsonFactory.builder().build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CliJson() {}

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array(Iterable<?> values) {
        ArrayNode array = NODES.arrayNode();
        for (Object value : values) {
            array.add(value.toString());
        }
        return array;
    }

    /** Parses one JSON document (nothing may follow it). */
    static JsonNode read(byte[] json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return readDocument(parser);
        }
    }

    /** A parser of one document arriving on {@code in}, read as the caller asks for its tokens. */
    static JsonParser parser(InputStream in) throws IOException {
        return FACTORY.createParser(in);
    }

    private static JsonNode readDocument(JsonParser parser) throws IOException {
        JsonNode node = readValue(firstToken(parser));
        requireEnd(parser);
        return node;
    }

    /** The parser at the document's first token; an empty document is a parse error. */
    static JsonParser firstToken(JsonParser parser) throws IOException {
        if (parser.nextToken() == null) {
            throw new com.fasterxml.jackson.core.JsonParseException(parser, "empty document");
        }
        return parser;
    }

    /** Nothing but white space may follow the document. */
    static void requireEnd(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected content after the document");
        }
    }

    /**
     * Checks that {@code text} is one JSON object and nothing else, by reading its tokens (no tree,
     * no copy). Repeated keys are left to the agent, which reports them with line and column.
     *
     * @throws NotAnObjectException when the document is valid JSON but not an object
     */
    static void checkObject(String text) throws IOException {
        try (JsonParser parser = SCANNER.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new com.fasterxml.jackson.core.JsonParseException(parser, "empty document");
            }
            if (token != JsonToken.START_OBJECT) {
                throw new NotAnObjectException();
            }
            // An unclosed object ends in the parser's own end-of-input error.
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(
                        parser, "unexpected content after the document");
            }
        }
    }

    /** Strict UTF-8, the encoding of JSON (RFC 8259); a leading byte-order mark is dropped, as parsers do. */
    static String utf8(byte[] bytes) throws CharacterCodingException {
        int start =
                bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf
                        ? 3
                        : 0;
        // The String constructor is the fast path (a CharsetDecoder is slow in natctl's cold JVM)
        // but replaces malformed input with U+FFFD; only then are the bytes checked strictly.
        String text = new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
        if (text.indexOf('\ufffd') >= 0) {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, bytes.length - start));
        }
        return text;
    }

    /** The document {@link #checkObject} read is valid JSON, but not an object. */
    static final class NotAnObjectException extends IOException {
        NotAnObjectException() {
            super("not a JSON object");
        }
    }

    /** The value at the parser's current token, as a tree; the parser is left at its last token. */
    static JsonNode readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, readValue(parser));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(readValue(parser));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return NODES.numberNode(parser.getBigIntegerValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected " + token);
        }
    }

    /** One line, no trailing newline. */
    static byte[] compactBytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String compact(JsonNode node) {
        return new String(compactBytes(node), StandardCharsets.UTF_8);
    }

    static String pretty(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Writes the value at the parser's current token to {@code out} as {@link #pretty(JsonNode)}
     * prints its tree, copied token by token as it is parsed (the value is never held whole); the
     * parser is left at its last token.
     */
    static void pretty(JsonParser parser, Writer out) throws IOException {
        try (JsonGenerator generator = FACTORY.createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .useDefaultPrettyPrinter()) {
            // Exact: numbers are copied as written (no double rounding), as the tree form keeps them.
            generator.copyCurrentStructureExact(parser);
        }
    }

    private static void write(JsonGenerator generator, JsonNode node) throws IOException {
        if (node.isObject()) {
            generator.writeStartObject();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                generator.writeFieldName(field.getKey());
                write(generator, field.getValue());
            }
            generator.writeEndObject();
        } else if (node.isArray()) {
            generator.writeStartArray();
            for (JsonNode item : node) {
                write(generator, item);
            }
            generator.writeEndArray();
        } else if (node.isTextual()) {
            generator.writeString(node.textValue());
        } else if (node.isIntegralNumber()) {
            generator.writeNumber(node.bigIntegerValue());
        } else if (node.isNumber()) {
            generator.writeNumber(node.decimalValue());
        } else if (node.isBoolean()) {
            generator.writeBoolean(node.booleanValue());
        } else {
            generator.writeNull();
        }
    }
}
