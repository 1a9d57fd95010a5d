package dev.natagent.agent.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.ValidationException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The snapshot file's content: {@code {"schema_version":1,"revision":42,"state":{...}}}. {@code
 * schema_version} is the file format; the state inside carries its own model version.
 */
record Snapshot(int schemaVersion, long revision, NatState state) {
    static final int SCHEMA_VERSION = 1;

    Snapshot {
        Objects.requireNonNull(state, "state");
    }

    static Snapshot of(long revision, NatState state) {
        return new Snapshot(SCHEMA_VERSION, revision, state);
    }

    /** Streams the file's content: at 50,000 forwards megabytes that never exist as one array. */
    void writeTo(OutputStream out) throws IOException {
        ModelJson.write(this, out);
    }

    /** Parses and checks a snapshot; every problem is an IOException with a reason a person can read. */
    static Snapshot parse(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            throw new IOException("the file is empty");
        }
        ValidationException bindingError = null;
        try {
            // One pass straight into the model: this is on the start-up path of large states.
            Stored stored = ModelJson.read(bytes, Stored.class);
            if (Integer.valueOf(SCHEMA_VERSION).equals(stored.schemaVersion)
                    && stored.revision != null
                    && stored.revision >= 0
                    && stored.state != null) {
                return new Snapshot(SCHEMA_VERSION, stored.revision, stored.state);
            }
        } catch (ValidationException e) {
            bindingError = e;
        }
        throw diagnose(bytes, bindingError);
    }

    /** The file's JSON shape, every key nullable so that a missing one is told apart. */
    private record Stored(Integer schemaVersion, Long revision, NatState state) {}

    /** Says what is wrong, most basic problem first (a binding error is the least specific). */
    private static IOException diagnose(byte[] bytes, ValidationException bindingError) {
        JsonNode tree;
        try {
            tree = ModelJson.mapper().readTree(bytes);
        } catch (IOException e) {
            return new IOException(
                    "not valid JSON (truncated?): "
                            + ModelJson.toValidation(e).first().message(),
                    e);
        }
        if (tree == null || !tree.isObject()) {
            return new IOException("not a JSON object");
        }
        JsonNode schema = tree.get("schema_version");
        if (schema == null || !schema.isInt()) {
            return new IOException("schema_version is missing");
        }
        if (schema.intValue() != SCHEMA_VERSION) {
            return new IOException("schema_version " + schema.intValue() + " is unknown to this nat-agent (it reads "
                    + SCHEMA_VERSION + "); was it written by a newer version?");
        }
        JsonNode revision = tree.get("revision");
        if (revision == null
                || !revision.isIntegralNumber()
                || !revision.canConvertToLong()
                || revision.longValue() < 0) {
            return new IOException("revision is missing or not a non-negative integer");
        }
        if (tree.get("state") == null || tree.size() != 3) {
            return new IOException("expected exactly the keys schema_version, revision and state");
        }
        String detail = bindingError == null ? "unreadable" : bindingError.getMessage();
        return new IOException("the state inside is invalid: " + detail, bindingError);
    }
}
