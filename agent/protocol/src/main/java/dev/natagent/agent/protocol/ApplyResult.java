package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import dev.natagent.agent.model.StateDiff;
import java.io.IOException;

/**
 * Result of apply and reload.
 *
 * @param applied false for a dry run (or when there was nothing to change)
 * @param revision state revision after the call (unchanged by a dry run)
 * @param diff the difference between the previous and the new desired state
 */
public record ApplyResult(boolean applied, long revision, StateDiff diff) implements JsonWritable {
    @Override
    public void write(JsonGenerator out) throws IOException {
        write(out, applied, revision, diff);
    }

    /** The shape of every apply reply, whichever form its diff takes (see {@link ApplyNames}). */
    static void write(JsonGenerator out, boolean applied, long revision, JsonWritable diff) throws IOException {
        out.writeStartObject();
        out.writeBooleanField("applied", applied);
        out.writeNumberField("revision", revision);
        JsonWriting.object(out, "diff", diff);
        out.writeEndObject();
    }
}
