package dev.natagent.agent.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.JsonIn;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.ValidationException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The snapshot file's content: {@code {"schema_version":1,"revision":42,"state":{...}}}. {@code
 * schema_version} is the file format; the state inside carries its own model version.
 */
record Snapshot(int schemaVersion, long revision, NatState state) implements JsonWritable {
    static final int SCHEMA_VERSION = 1;

    Snapshot {
        Objects.requireNonNull(state, "state");
    }

    static Snapshot of(long revision, NatState state) {
        return new Snapshot(SCHEMA_VERSION, revision, state);
    }

    /** Streams the file's content: at 50,000 forwards megabytes that never exist as one array. */
    void writeTo(OutputStream out) throws IOException {
        JsonWriting.write(this, out);
    }

    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField("schema_version", schemaVersion);
        out.writeNumberField("revision", revision);
        JsonWriting.object(out, "state", state);
        out.writeEndObject();
    }

    private static final JsonIn.Fields FIELDS = new JsonIn.Fields("schema_version", "revision", "state");

    /** Parses and checks a snapshot; every problem is an IOException with a reason a person can read. */
    static Snapshot parse(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            throw new IOException("the file is empty");
        }
        ValidationException bindingError = null;
        try {
            // One pass straight into the model: this is on the start-up path of large states.
            Stored stored = JsonIn.read(bytes, Snapshot::read);
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

    private static Stored read(JsonIn in) throws IOException {
        in.startObject();
        Integer schemaVersion = null;
        Long revision = null;
        NatState state = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            switch (field) {
                case 0 -> schemaVersion = in.integer();
                case 1 -> revision = in.longInteger();
                default -> state = in.object(NatState::read);
            }
        }
        return new Stored(schemaVersion, revision, state);
    }

    /** What the top level holds, whatever is inside the state: what {@link #diagnose} tells from. */
    private record Shape(boolean object, Integer schemaVersion, Long revision, boolean state, int keys) {}

    private static Shape shape(JsonIn in) throws IOException {
        if (in.token() != JsonToken.START_OBJECT) {
            in.skipValue();
            return new Shape(false, null, null, false, 0);
        }
        in.startObject();
        Integer schemaVersion = null;
        Long revision = null;
        boolean state = false;
        int keys = 0;
        for (String name; (name = in.nextName()) != null; keys++) {
            switch (name) {
                case "schema_version" -> schemaVersion = orNull(in, JsonIn::integer);
                case "revision" -> revision = orNull(in, JsonIn::longInteger);
                case "state" -> state = true;
                default -> {
                    // counted: only the three keys belong here
                }
            }
            in.skipValue();
        }
        return new Shape(true, schemaVersion, revision, state, keys);
    }

    /** A value of the wanted type, or null when it is of another. */
    private static <T> T orNull(JsonIn in, JsonIn.ValueReader<T> value) throws IOException {
        try {
            return value.read(in);
        } catch (ValidationException e) {
            return null;
        }
    }

    /** Says what is wrong, most basic problem first (a binding error is the least specific). */
    private static IOException diagnose(byte[] bytes, ValidationException bindingError) {
        Shape shape;
        try {
            shape = JsonIn.read(bytes, Snapshot::shape);
        } catch (ValidationException e) {
            if (e.first().code() != ErrorCode.MALFORMED_JSON
                    || e.first().message().startsWith("empty document")) {
                return new IOException("not a JSON object");
            }
            return new IOException("not valid JSON (truncated?): " + e.first().message(), e);
        }
        if (!shape.object()) {
            return new IOException("not a JSON object");
        }
        if (shape.schemaVersion() == null) {
            return new IOException("schema_version is missing");
        }
        if (shape.schemaVersion() != SCHEMA_VERSION) {
            return new IOException("schema_version " + shape.schemaVersion()
                    + " is unknown to this nat-agent (it reads " + SCHEMA_VERSION
                    + "); was it written by a newer version?");
        }
        if (shape.revision() == null || shape.revision() < 0) {
            return new IOException("revision is missing or not a non-negative integer");
        }
        if (!shape.state() || shape.keys() != 3) {
            return new IOException("expected exactly the keys schema_version, revision and state");
        }
        String detail = bindingError == null ? "unreadable" : bindingError.getMessage();
        return new IOException("the state inside is invalid: " + detail, bindingError);
    }
}
