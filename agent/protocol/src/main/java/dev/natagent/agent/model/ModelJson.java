package dev.natagent.agent.model;

import java.io.InputStream;
import java.io.Reader;
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

    /** Compact single-line JSON (NDJSON-safe: no raw newline can appear). */
    public static String write(JsonWritable value) {
        return JsonWriting.toText(value);
    }
}
