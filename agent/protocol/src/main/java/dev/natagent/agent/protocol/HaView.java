package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;
import java.util.List;

/**
 * The pair part of status, present when {@code settings.ha} names one: this node's role as it
 * sees it, and whether conntrackd listens.
 *
 * @param role active (holds every floating address), standby (none), split (some) or unknown
 * @param held the floating addresses on this node's interfaces
 * @param notHeld the others
 * @param conntrackd running, not_running or unknown (a listener on its control socket, read from
 *     /proc/net/unix; whether it is in sync needs root: {@code conntrackd -s})
 */
public record HaView(String role, List<String> held, List<String> notHeld, String conntrackd, String conntrackdSocket)
        implements JsonWritable {
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("role", role);
        JsonWriting.texts(out, "held", held);
        JsonWriting.texts(out, "not_held", notHeld);
        out.writeStringField("conntrackd", conntrackd);
        out.writeStringField("conntrackd_socket", conntrackdSocket);
        out.writeEndObject();
    }

    static HaView read(ReplyFields fields) {
        return new HaView(
                fields.text("role"),
                fields.texts("held"),
                fields.texts("not_held"),
                fields.text("conntrackd"),
                fields.text("conntrackd_socket"));
    }
}
