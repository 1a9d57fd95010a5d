package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;
import java.util.Locale;

/**
 * One doctor check result.
 *
 * @param check short id of the check, e.g. {@code ip_forward}, {@code rp_filter}, {@code target_reachable}
 * @param message what was found
 * @param fix what to do about it (empty when severity is OK); for UNCHECKED, how to check by hand
 */
public record Finding(Severity severity, String check, String message, String fix) implements JsonWritable {
    /** The check that the state on disk can be trusted; its error means changes are refused. */
    public static final String STATE = "state";

    /**
     * How bad a finding is. {@link #UNCHECKED}: the agent could not make the check where it runs
     * (its fix says how to make it by hand); it counts against neither health nor doctor's exit code.
     */
    public enum Severity {
        OK,
        WARNING,
        ERROR,
        UNCHECKED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("severity", severity.wireName());
        JsonWriting.text(out, "check", check);
        JsonWriting.text(out, "message", message);
        JsonWriting.text(out, "fix", fix);
        out.writeEndObject();
    }

    static Finding read(ReplyFields fields) {
        return new Finding(
                fields.choice("severity", Severity.values()),
                fields.text("check"),
                fields.text("message"),
                fields.text("fix"));
    }
}
