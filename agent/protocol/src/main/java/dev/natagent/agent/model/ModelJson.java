package dev.natagent.agent.model;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one JSON mapping of the model, shared by the config file, the state snapshot, the journal and
 * the admin API's arguments. Keys are snake_case; unknown keys, duplicate keys, wrong types and bad
 * values all become a {@link ValidationException} whose field path says where (e.g. {@code
 * forwards[1].listen}), never another exception.
 */
public final class ModelJson {
    private static final ObjectMapper MAPPER = newMapper();

    private ModelJson() {}

    /** The shared, configured mapper (thread-safe); use it for anything that embeds model values. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reads one value; never returns null (a JSON {@code null} is an INVALID_TYPE error). */
    public static <T> T read(String json, Class<T> type) {
        try {
            return nonNull(MAPPER.readValue(json, type));
        } catch (JsonProcessingException e) {
            throw toValidation(e);
        }
    }

    /** Reads one value; never returns null (a JSON {@code null} is an INVALID_TYPE error). */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return nonNull(MAPPER.readValue(json, type));
        } catch (IOException e) {
            throw toValidation(e);
        }
    }

    /** Reads one value from a stream of JSON bytes; never returns null. */
    public static <T> T read(InputStream json, Class<T> type) {
        try {
            return nonNull(MAPPER.readValue(json, type));
        } catch (IOException e) {
            throw toValidation(e);
        }
    }

    /** Reads one value from text that arrives in pieces; never returns null. */
    public static <T> T read(Reader json, Class<T> type) {
        try {
            return nonNull(MAPPER.readValue(json, type));
        } catch (IOException e) {
            throw toValidation(e);
        }
    }

    /** Converts an already parsed tree (e.g. the {@code args} of an API request); never returns null. */
    public static <T> T fromTree(JsonNode node, Class<T> type) {
        try {
            return nonNull(MAPPER.treeToValue(node, type));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw toValidation(e);
        }
    }

    private static <T> T nonNull(T value) {
        if (value == null) {
            throw new ValidationException("", ErrorCode.INVALID_TYPE, "expected a JSON object, found null or nothing");
        }
        return value;
    }

    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Compact single-line JSON (NDJSON-safe: no raw newline can appear). */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("model value could not be written as JSON", e);
        }
    }

    /** Writes with a declared type, so that a list of polymorphic values keeps its type ids. */
    public static <T> String write(T value, TypeReference<T> type) {
        try {
            return MAPPER.writerFor(type).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("model value could not be written as JSON", e);
        }
    }

    /**
     * Streams UTF-8 JSON with a declared type to {@code out}, leaving it open (a record of
     * megabytes at 50,000 forwards never exists in memory as a whole).
     */
    public static <T> void write(T value, TypeReference<T> type, OutputStream out) throws IOException {
        MAPPER.writerFor(type).without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, value);
    }

    /** Streams UTF-8 JSON to {@code out}, leaving it open (as above, never whole in memory). */
    public static void write(Object value, OutputStream out) throws IOException {
        MAPPER.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, value);
    }

    /** Maps any Jackson failure to field-level errors; model errors keep their code. */
    public static ValidationException toValidation(Exception failure) {
        if (failure instanceof JsonMappingException mapping) {
            String path = path(mapping.getPath());
            for (Throwable cause = mapping.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof StreamReadException read) {
                    // A syntax error met while binding a nested value: still malformed JSON.
                    return new ValidationException(
                            path,
                            ErrorCode.MALFORMED_JSON,
                            "malformed JSON" + at(read.getLocation()) + ": " + read.getOriginalMessage());
                }
                if (cause instanceof ValidationException model) {
                    String where = at(mapping.getLocation());
                    return new ValidationException(model.under(path).errors().stream()
                            .map(e -> new FieldError(e.field(), e.code(), e.message() + where))
                            .toList());
                }
            }
            return new ValidationException(path, codeOf(mapping), messageOf(mapping) + at(mapping.getLocation()));
        }
        if (failure instanceof StreamReadException read) {
            return new ValidationException(
                    "",
                    ErrorCode.MALFORMED_JSON,
                    "malformed JSON" + at(read.getLocation()) + ": " + read.getOriginalMessage());
        }
        if (failure instanceof JacksonException jackson) {
            return new ValidationException(
                    "", ErrorCode.MALFORMED_JSON, "malformed JSON: " + jackson.getOriginalMessage());
        }
        if (failure.getCause() instanceof Exception cause && cause != failure) {
            // treeToValue wraps mapping errors in IllegalArgumentException.
            return toValidation(cause);
        }
        return new ValidationException("", ErrorCode.MALFORMED_JSON, "unreadable JSON: " + failure.getMessage());
    }

    private static ErrorCode codeOf(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return ErrorCode.UNKNOWN_FIELD;
        }
        if (e instanceof InvalidNullException) {
            return ErrorCode.MISSING_FIELD;
        }
        if (e instanceof MismatchedInputException mismatch && (isEmptyInput(mismatch) || isTrailingInput(mismatch))) {
            return ErrorCode.MALFORMED_JSON;
        }
        return ErrorCode.INVALID_TYPE;
    }

    private static String messageOf(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null
                    ? ""
                    : unknown.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", ", " (known fields: ", ")"));
            return "unknown field '" + unknown.getPropertyName() + "'" + known;
        }
        if (e instanceof InvalidNullException) {
            return "null is not allowed here";
        }
        if (e instanceof MismatchedInputException mismatch) {
            if (isEmptyInput(mismatch)) {
                return "empty document";
            }
            if (isTrailingInput(mismatch)) {
                return "unexpected content after the JSON value";
            }
            String expected = mismatch.getTargetType() == null ? "another type" : describe(mismatch.getTargetType());
            return "wrong type: expected " + expected + example(mismatch);
        }
        return "invalid value: " + e.getOriginalMessage();
    }

    // Jackson has no subtypes for these two; its messages are the only signal.
    private static boolean isEmptyInput(MismatchedInputException e) {
        return e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("No content to map");
    }

    private static boolean isTrailingInput(MismatchedInputException e) {
        return e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token");
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type == PortRange.class) {
            return "a port or port range string such as \"6379-6381\"";
        }
        if (type == Protocol.class
                || type == Ipv4.class
                || type == Cidr.class
                || type == Target.class
                || type == ReturnPath.class) {
            return "a string";
        }
        return "an object";
    }

    /** The lists of the model, so that a lone string there gets an example of the right shape. */
    private static String example(MismatchedInputException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        if (e.getTargetType() == null || !List.class.isAssignableFrom(e.getTargetType()) || path.isEmpty()) {
            return "";
        }
        String field = path.get(path.size() - 1).getFieldName();
        return switch (field == null ? "" : field) {
            case "to" -> " of HOST:PORT strings, e.g. [\"10.0.1.230:6379\"]";
            case "allow", "source" -> " of CIDR strings, e.g. [\"198.51.100.0/24\"]";
            default -> "";
        };
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            } else if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            }
        }
        return path.toString();
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** Jackson hands an enum's creator a number as its text: {@code "proto": 6} would read as "6". */
    private static final class ProtocolDeserializer extends StdScalarDeserializer<Protocol> {
        private static final long serialVersionUID = 1L;

        ProtocolDeserializer() {
            super(Protocol.class);
        }

        @Override
        public Protocol deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (Protocol) context.handleUnexpectedToken(Protocol.class, parser);
            }
            return Protocol.parse(parser.getText());
        }
    }

    private static ObjectMapper newMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withConfigOverride(List.class, o -> o.setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL)))
                .addModule(new SimpleModule().addDeserializer(Protocol.class, new ProtocolDeserializer()))
                .build();
        // "name": 12 or "manage_ip_forward": "yes" are type errors, not something to guess at.
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }
}
