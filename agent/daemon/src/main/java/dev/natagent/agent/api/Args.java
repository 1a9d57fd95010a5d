package dev.natagent.agent.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.ValidationException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request's {@code args} as the line holds them: each argument's value if it is a scalar, its
 * place in the line if it is an object or array, read by the model's reader for the type the op
 * asks for (once; the value or refusal is kept). Typed access gives BAD_REQUEST naming the argument
 * on any mismatch.
 */
public final class Args {
    /** No arguments (a request without {@code args}, or with {@code null}). */
    static final Args NONE = new Args(new byte[0], Map.of());

    /** One argument's value. */
    private static final class Value {
        final JsonToken token;
        final String text;
        /** An integer's value, when it fits 64 bits (see {@link #integral}). */
        final long number;

        final boolean integral;
        /** Where an object or array is in the line: [start, end). */
        final int start;

        final int end;
        /** What reading the object gave: the model value or its ValidationException. */
        Object read;

        Value(JsonToken token, String text, long number, boolean integral, int start, int end) {
            this.token = token;
            this.text = text;
            this.number = number;
            this.integral = integral;
            this.start = start;
            this.end = end;
        }
    }

    private final byte[] line;
    private final Map<String, Value> values;

    private Args(byte[] line, Map<String, Value> values) {
        this.line = line;
        this.values = values;
    }

    /** Reads the arguments' object, the parser at its start, to its end. */
    static Args read(JsonParser parser, byte[] line, int offset) throws IOException {
        Map<String, Value> values = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            Value value =
                    switch (token) {
                        case VALUE_STRING -> new Value(token, parser.getText(), 0, false, 0, 0);
                        case VALUE_NUMBER_INT -> {
                            JsonParser.NumberType type = parser.getNumberType();
                            boolean integral = type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
                            yield new Value(token, null, integral ? parser.getLongValue() : 0, integral, 0, 0);
                        }
                        case START_OBJECT, START_ARRAY -> {
                            int start =
                                    offset + (int) parser.currentTokenLocation().getByteOffset();
                            parser.skipChildren();
                            int end =
                                    offset + (int) parser.currentTokenLocation().getByteOffset() + 1;
                            yield new Value(token, null, 0, false, start, end);
                        }
                        default -> new Value(token, null, 0, false, 0, 0);
                    };
            values.put(name, value);
        }
        return new Args(line, values);
    }

    /** Accepts only the named keys: a misspelt argument is an error, not silently ignored. */
    static Args of(Request request, String... allowed) {
        Set<String> known = Set.of(allowed);
        for (String name : request.args().values.keySet()) {
            if (!known.contains(name)) {
                String hint = known.isEmpty() ? "takes no arguments" : "takes " + String.join(", ", allowed);
                throw badRequest(
                        "args." + RequestDecoder.abbreviate(name),
                        "unknown argument '" + RequestDecoder.abbreviate(name) + "': "
                                + request.op().wireName() + " " + hint);
            }
        }
        return request.args();
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    /** Whether the argument is JSON true. */
    boolean isTrue(String name) {
        Value value = values.get(name);
        return value != null && value.token == JsonToken.VALUE_TRUE;
    }

    /** The argument if it is a string. */
    Optional<String> string(String name) {
        Value value = values.get(name);
        return value == null || value.token != JsonToken.VALUE_STRING ? Optional.empty() : Optional.of(value.text);
    }

    String requiredString(String name) {
        Value value = present(name);
        if (value.token != JsonToken.VALUE_STRING) {
            throw badRequest("args." + name, "argument '" + name + "' must be a string");
        }
        return value.text;
    }

    String optionalString(String name, String fallback) {
        return absent(name) ? fallback : requiredString(name);
    }

    /** A non-negative integer, e.g. a sequence number. */
    long requiredCount(String name) {
        Value value = present(name);
        if (value.token != JsonToken.VALUE_NUMBER_INT || !value.integral || value.number < 0) {
            throw badRequest("args." + name, "argument '" + name + "' must be a non-negative integer");
        }
        return value.number;
    }

    /** As {@link #requiredCount}, or -1 when the argument is absent. */
    long optionalCount(String name) {
        return absent(name) ? -1 : requiredCount(name);
    }

    boolean optionalBoolean(String name) {
        if (absent(name)) {
            return false;
        }
        JsonToken token = values.get(name).token;
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
            throw badRequest("args." + name, "argument '" + name + "' must be true or false");
        }
        return token == JsonToken.VALUE_TRUE;
    }

    /** Reads a required object argument as a model type; its own errors keep their field paths. */
    <T> T requiredModel(String name, Class<T> type) {
        Value value = present(name);
        if (value.token != JsonToken.START_OBJECT) {
            throw badRequest("args." + name, "argument '" + name + "' must be a JSON object");
        }
        Object read = read(value, type);
        if (read instanceof ValidationException refused) {
            throw refused;
        }
        return type.cast(read);
    }

    /** The object argument as a model type, if it is one and reads (for a look ahead; see {@link #requiredModel}). */
    <T> Optional<T> model(String name, Class<T> type) {
        Value value = values.get(name);
        if (value == null || value.token != JsonToken.START_OBJECT) {
            return Optional.empty();
        }
        Object read = read(value, type);
        return type.isInstance(read) ? Optional.of(type.cast(read)) : Optional.empty();
    }

    private Object read(Value value, Class<?> type) {
        if (value.read == null) {
            try {
                value.read = ModelJson.readEmbedded(line, value.start, value.end - value.start, type);
            } catch (ValidationException e) {
                value.read = e;
            }
        }
        return value.read;
    }

    private boolean absent(String name) {
        Value value = values.get(name);
        return value == null || value.token == JsonToken.VALUE_NULL;
    }

    private Value present(String name) {
        if (absent(name)) {
            throw badRequest("args." + name, "missing argument '" + name + "'");
        }
        return values.get(name);
    }

    private static AdminException badRequest(String field, String message) {
        return new AdminException(ErrorCode.BAD_REQUEST, message, field);
    }
}
