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
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Tests' JSON trees: a strict databind mapper (duplicate keys, trailing tokens and coerced scalars
 * fail) to read replies and build requests, and the tree of what a model value writes. The daemon
 * itself reads through {@link JsonIn} and writes through {@link JsonWriting} only.
 */
public final class TestJson {
    private TestJson() {}

    /** Made on first use (holder idiom). */
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

    /** The shared, configured mapper (thread-safe). */
    public static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    /**
     * The tree of what {@code value} writes (see {@link JsonWritable}), of the node type the caller
     * expects (an object for a record): for tests that edit it.
     */
    @SuppressWarnings("unchecked")
    public static <T extends JsonNode> T toTree(JsonWritable value) {
        try {
            return (T) mapper().readTree(JsonWriting.toBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("model value could not be read back as a tree", e);
        }
    }

    /** Compact single-line JSON of a tree or any other value the mapper can write (by its bean shape). */
    public static String write(Object value) {
        try {
            return mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("value could not be written as JSON", e);
        }
    }
}
