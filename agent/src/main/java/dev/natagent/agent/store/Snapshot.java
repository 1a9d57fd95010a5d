package dev.natagent.agent.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.ValidationException;
import java.io.IOException;
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

    byte[] toBytes() {
        return ModelJson.writeBytes(this);
    }

    /** Parses and checks a snapshot; every problem is an IOException with a reason a person can read. */
    static Snapshot parse(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            throw new IOException("the file is empty");
        }
        JsonNode tree;
        try {
            tree = ModelJson.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new IOException(
                    "not valid JSON (truncated?): "
                            + ModelJson.toValidation(e).first().message(),
                    e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IOException("not a JSON object");
        }
        JsonNode schema = tree.get("schema_version");
        if (schema == null || !schema.isInt()) {
            throw new IOException("schema_version is missing");
        }
        if (schema.intValue() != SCHEMA_VERSION) {
            throw new IOException("schema_version " + schema.intValue() + " is unknown to this nat-agent (it reads "
                    + SCHEMA_VERSION + "); was it written by a newer version?");
        }
        JsonNode revision = tree.get("revision");
        if (revision == null
                || !revision.canConvertToLong()
                || !revision.isIntegralNumber()
                || revision.longValue() < 0) {
            throw new IOException("revision is missing or not a non-negative integer");
        }
        try {
            NatState state = ModelJson.fromTree(tree.get("state"), NatState.class);
            if (state == null || tree.size() != 3) {
                throw new IOException("expected exactly schema_version, revision and state");
            }
            return new Snapshot(SCHEMA_VERSION, revision.longValue(), state);
        } catch (ValidationException e) {
            throw new IOException("the state inside is invalid: " + e.getMessage(), e);
        }
    }
}
