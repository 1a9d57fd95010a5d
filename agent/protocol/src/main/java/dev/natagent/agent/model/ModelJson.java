package dev.natagent.agent.model;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The one JSON mapping of the model, shared by the config file, the state snapshot, the journal and
 * the admin API's arguments. Keys are snake_case; unknown keys, duplicate keys, wrong types and bad
 * values all become a {@link ValidationException} whose field path says where (e.g. {@code
 * forwards[1].listen}), never another exception. Reading goes through {@link JsonIn} and each
 * type's own reader.
 */
public final class ModelJson {
    /** The types a document may be read as by class, each with its reader. */
    private static final Map<Class<?>, JsonIn.ValueReader<?>> READERS = Map.of(
            NatState.class, NatState::read,
            Forward.class, Forward::read,
            ForwardEdit.class, ForwardEdit::read,
            Outbound.class, Outbound::read,
            Settings.class, Settings::read,
            ClusterSpec.class, ClusterSpec::read,
            Cluster.class, Cluster::read,
            StateChange.class, StateChange::read,
            StateChange[].class, in -> in.list(StateChange::read, "an array").toArray(StateChange[]::new));

    private ModelJson() {}

    /** Made on first use, and apart: reading neither builds nor loads it. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = newMapper();

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
                    .build();
            // "name": 12 or "manage_ip_forward": "yes" are type errors, not something to guess at.
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            return mapper;
        }
    }

    /** The shared, configured mapper (thread-safe); use it for anything that embeds model values. */
    public static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    /** Reads one value; never returns null (a JSON {@code null} is an INVALID_TYPE error). */
    public static <T> T read(String json, Class<T> type) {
        return JsonIn.read(json, reader(type));
    }

    /** Reads one value; never returns null (a JSON {@code null} is an INVALID_TYPE error). */
    public static <T> T read(byte[] json, Class<T> type) {
        return JsonIn.read(json, reader(type));
    }

    /** Reads one value from a stream of JSON bytes; never returns null. */
    public static <T> T read(InputStream json, Class<T> type) {
        return JsonIn.read(json, reader(type));
    }

    /** Reads one value from text that arrives in pieces; never returns null. */
    public static <T> T read(Reader json, Class<T> type) {
        return JsonIn.read(json, reader(type));
    }

    /**
     * Reads a value embedded in a larger document, {@code json[offset, offset + length)} (e.g. an
     * argument of an API request): its errors name no line and column, which would be the larger
     * document's.
     */
    public static <T> T readEmbedded(byte[] json, int offset, int length, Class<T> type) {
        return JsonIn.read(json, offset, length, false, reader(type));
    }

    @SuppressWarnings("unchecked")
    private static <T> JsonIn.ValueReader<T> reader(Class<T> type) {
        JsonIn.ValueReader<T> reader = (JsonIn.ValueReader<T>) READERS.get(type);
        if (reader == null) {
            throw new IllegalArgumentException("no JSON reader for " + type.getName());
        }
        return reader;
    }

    /**
     * The tree of what {@code value} writes (see {@link JsonWritable}), of the node type the caller
     * expects (an object for a record): for callers that edit it.
     */
    @SuppressWarnings("unchecked")
    public static <T extends JsonNode> T toTree(JsonWritable value) {
        try {
            return (T) mapper().readTree(JsonWriting.toBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("model value could not be read back as a tree", e);
        }
    }

    /**
     * Compact single-line JSON (NDJSON-safe: no raw newline can appear). A {@link JsonWritable}
     * writes itself (the daemon writes through {@link JsonWriting} alone); any other value, such as
     * a tree, goes through the mapper.
     */
    public static String write(Object value) {
        if (value instanceof JsonWritable writable) {
            return JsonWriting.toText(writable);
        }
        try {
            return mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("model value could not be written as JSON", e);
        }
    }
}
