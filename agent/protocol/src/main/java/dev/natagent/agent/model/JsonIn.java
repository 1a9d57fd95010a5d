package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The model's strict JSON reader, straight from jackson-core's token stream into the records (each
 * has a static {@code read(JsonIn)} beside it). Every problem becomes a {@link ValidationException}
 * whose field path says where ({@code forwards[1].listen}): a key met twice or a malformed document
 * is MALFORMED_JSON, a key the object does not have UNKNOWN_FIELD (naming the known ones), a value
 * of another JSON type INVALID_TYPE, a null in a list MISSING_FIELD; a null field is an absent one.
 * Messages end with {@code (line L, column C)} unless the value is embedded in a larger document
 * (a request's arguments), where the line's position would mean nothing to the reader.
 */
public final class JsonIn {
    /** Reads one value, the parser at its first token; leaves the parser at its last. */
    @FunctionalInterface
    public interface ValueReader<T> {
        T read(JsonIn in) throws IOException;
    }

    /** The keys one kind of object has, numbered in order (at most 64): what a reader switches on. */
    public static final class Fields {
        private final String[] names;
        private final String known;

        public Fields(String... names) {
            if (names.length > Long.SIZE) {
                throw new IllegalArgumentException("at most " + Long.SIZE + " fields");
            }
            this.names = names.clone();
            String[] sorted = names.clone();
            Arrays.sort(sorted);
            this.known = " (known fields: " + String.join(", ", sorted) + ")";
        }

        /** These fields and then {@code more}, numbered on from these. */
        public Fields and(String... more) {
            String[] all = Arrays.copyOf(names, names.length + more.length);
            System.arraycopy(more, 0, all, names.length, more.length);
            return new Fields(all);
        }

        /** The key numbered {@code index}. */
        public String name(int index) {
            return names[index];
        }

        public int size() {
            return names.length;
        }

        int indexOf(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private final JsonParser parser;
    private final boolean locations;
    /** The keys seen so far of each object being read, innermost last. */
    private long[] seen = new long[8];

    private int depth;

    private JsonIn(JsonParser parser, boolean locations) {
        this.parser = parser;
        this.locations = locations;
    }

    /** Reads a whole document: one value and nothing after it. */
    public static <T> T read(byte[] json, ValueReader<T> reader) {
        return read(json, 0, json.length, true, reader);
    }

    /**
     * Reads the document in {@code json[offset, offset + length)}; {@code locations} false for a
     * value cut out of a larger document (its line and column would be the larger one's).
     */
    public static <T> T read(byte[] json, int offset, int length, boolean locations, ValueReader<T> reader) {
        JsonParser parser;
        try {
            parser = FACTORY.createParser(json, offset, length);
        } catch (IOException e) {
            throw unreadable(e);
        }
        return document(parser, locations, reader);
    }

    public static <T> T read(String json, ValueReader<T> reader) {
        try {
            return document(FACTORY.createParser(json), true, reader);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    public static <T> T read(InputStream json, ValueReader<T> reader) {
        try {
            return document(FACTORY.createParser(json), true, reader);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    public static <T> T read(Reader json, ValueReader<T> reader) {
        try {
            return document(FACTORY.createParser(json), true, reader);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** Reads the document {@code parser} is at the start of, and closes it. */
    private static <T> T document(JsonParser parser, boolean locations, ValueReader<T> reader) {
        JsonIn in = new JsonIn(parser, locations);
        try (parser) {
            if (parser.nextToken() == null) {
                throw in.error("", ErrorCode.MALFORMED_JSON, "empty document", parser.currentLocation());
            }
            if (parser.currentToken() == JsonToken.VALUE_NULL) {
                throw new ValidationException(
                        "", ErrorCode.INVALID_TYPE, "expected a JSON object, found null or nothing");
            }
            T value = reader.read(in);
            if (parser.nextToken() != null) {
                throw in.error(
                        "",
                        ErrorCode.MALFORMED_JSON,
                        "unexpected content after the JSON value",
                        parser.currentTokenLocation());
            }
            return value;
        } catch (StreamReadException e) {
            throw in.error(
                    in.containerPath(),
                    ErrorCode.MALFORMED_JSON,
                    "malformed JSON",
                    e.getLocation(),
                    e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            // A limit of the parser (nesting depth, number or string length).
            throw new ValidationException(
                    in.containerPath(), ErrorCode.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static ValidationException unreadable(IOException e) {
        return new ValidationException("", ErrorCode.MALFORMED_JSON, "unreadable JSON: " + e.getMessage());
    }

    /** The token the parser is at. */
    public JsonToken token() {
        return parser.currentToken();
    }

    /** Enters an object (the parser at its start); then {@link #nextField} until it returns -1. */
    public void startObject() throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw wrongType("an object");
        }
        if (depth == seen.length) {
            seen = Arrays.copyOf(seen, depth * 2);
        }
        seen[depth++] = 0;
    }

    /**
     * Moves to the next key of the object being read and on to its value, returning the key's index
     * in {@code fields}; -1 at the object's end. A key not in {@code fields}, or met twice, is refused.
     */
    public int nextField(Fields fields) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.END_OBJECT) {
            depth--;
            return -1;
        }
        String name = parser.currentName();
        int index = fields.indexOf(name);
        if (index < 0) {
            throw error(
                    valuePath(),
                    ErrorCode.UNKNOWN_FIELD,
                    "unknown field '" + name + "'" + fields.known,
                    parser.currentTokenLocation());
        }
        long bit = 1L << index;
        if ((seen[depth - 1] & bit) != 0) {
            throw error(
                    containerPath(),
                    ErrorCode.MALFORMED_JSON,
                    "malformed JSON",
                    parser.currentTokenLocation(),
                    "Duplicate field '" + name + "'");
        }
        seen[depth - 1] |= bit;
        parser.nextToken();
        return index;
    }

    /**
     * For an object whose keys are not known in advance (the parser at its start, see {@link
     * #startObject}): the next key, the parser on its value; null at the object's end.
     */
    public String nextName() throws IOException {
        if (parser.nextToken() == JsonToken.END_OBJECT) {
            depth--;
            return null;
        }
        String name = parser.currentName();
        parser.nextToken();
        return name;
    }

    /** Passes over the value the parser is at, checking only its syntax. */
    public void skipValue() throws IOException {
        parser.skipChildren();
    }

    /** A string, or null for JSON null. */
    public String string() throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> parser.getText();
            default -> throw wrongType("a string");
        };
    }

    /**
     * A value written as a string, made by {@code parse} (whose refusal is placed at this value), or
     * null for JSON null; {@code expected} names the string in a wrong-type error.
     */
    public <T> T string(Function<String, T> parse, String expected) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> {
                String text = parser.getText();
                try {
                    yield parse.apply(text);
                } catch (ValidationException e) {
                    throw placed(e, valuePath(), parser.currentTokenLocation());
                }
            }
            default -> throw wrongType(expected);
        };
    }

    /** A 32-bit integer, or null for JSON null. */
    public Integer integer() throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> {
                if (parser.getNumberType() != JsonParser.NumberType.INT) {
                    throw wrongType("an integer of at most 32 bits");
                }
                yield parser.getIntValue();
            }
            default -> throw wrongType("an integer");
        };
    }

    /** A 64-bit integer, or null for JSON null. */
    public Long longInteger() throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> {
                JsonParser.NumberType type = parser.getNumberType();
                if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
                    throw wrongType("an integer of at most 64 bits");
                }
                yield parser.getLongValue();
            }
            default -> throw wrongType("an integer");
        };
    }

    /** true or false, or null for JSON null. */
    public Boolean bool() throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> throw wrongType("true or false");
        };
    }

    /** An object read by {@code reader}, or null for JSON null. */
    public <T> T object(ValueReader<T> reader) throws IOException {
        return parser.currentToken() == JsonToken.VALUE_NULL ? null : reader.read(this);
    }

    /**
     * A list whose elements {@code element} reads (a null element is refused), or null for JSON
     * null; {@code expected} names the array in a wrong-type error (e.g. "an array of CIDR strings").
     */
    public <T> List<T> list(ValueReader<T> element, String expected) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_ARRAY) {
            throw wrongType(expected);
        }
        List<T> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() == JsonToken.VALUE_NULL) {
                throw error(
                        valuePath(),
                        ErrorCode.MISSING_FIELD,
                        "null is not allowed here",
                        parser.currentTokenLocation());
            }
            list.add(element.read(this));
        }
        return list;
    }

    /**
     * A refusal by the constructor of the value the parser is at (an object just read, the parser at
     * its end): placed there, its fields under the object's path.
     */
    public ValidationException placed(ValidationException refusal) {
        return placed(refusal, valuePath(), parser.currentTokenLocation());
    }

    /** An error about the value the parser is at (an object just read, the parser at its end). */
    public ValidationException error(ErrorCode code, String message) {
        return error(valuePath(), code, message, parser.currentTokenLocation());
    }

    private ValidationException wrongType(String expected) {
        return error(
                valuePath(), ErrorCode.INVALID_TYPE, "wrong type: expected " + expected, parser.currentTokenLocation());
    }

    private ValidationException placed(ValidationException e, String path, JsonLocation at) {
        String where = at(at);
        return new ValidationException(e.under(path).errors().stream()
                .map(error -> new FieldError(error.field(), error.code(), error.message() + where))
                .toList());
    }

    private ValidationException error(String path, ErrorCode code, String message, JsonLocation at) {
        return new ValidationException(path, code, message + at(at));
    }

    private ValidationException error(String path, ErrorCode code, String message, JsonLocation at, String detail) {
        return new ValidationException(path, code, message + at(at) + ": " + detail);
    }

    private String at(JsonLocation location) {
        if (!locations || location == null || location.getLineNr() < 0) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** The path of the value the parser is at: a start token's is its parent's entry. */
    private String valuePath() {
        JsonStreamContext context = parser.getParsingContext();
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            context = context.getParent();
        }
        return path(context);
    }

    /** The path of the object or array the parser is inside (where a syntax error is). */
    private String containerPath() {
        JsonStreamContext context = parser.getParsingContext();
        return context == null ? "" : path(context.getParent());
    }

    private static String path(JsonStreamContext context) {
        StringBuilder path = new StringBuilder();
        append(path, context);
        return path.toString();
    }

    private static void append(StringBuilder path, JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return;
        }
        append(path, context.getParent());
        if (context.inArray()) {
            path.append('[').append(context.getCurrentIndex()).append(']');
        } else if (context.getCurrentName() != null) {
            if (path.length() > 0) {
                path.append('.');
            }
            path.append(context.getCurrentName());
        }
    }
}
