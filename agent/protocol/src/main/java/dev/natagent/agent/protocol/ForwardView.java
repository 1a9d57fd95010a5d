package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;
import java.util.List;

/**
 * A forward with its live figures (wire form of forward.get / forward.list entries).
 *
 * @param listen port or FIRST-LAST
 * @param allow source CIDRs; empty admits every source
 * @param snat masquerade, none, or the SNAT address
 * @param packets packets matched by the forward's kernel counter
 * @param bytes bytes matched by the forward's kernel counter
 * @param cluster the cluster whose node this forward is (it changes only with the cluster), or null
 */
public record ForwardView(
        String name,
        String proto,
        String listen,
        List<TargetView> targets,
        List<String> allow,
        String snat,
        long packets,
        long bytes,
        Health health,
        String cluster)
        implements JsonWritable {

    public ForwardView {
        targets = List.copyOf(targets);
        allow = List.copyOf(allow);
    }

    /** A forward an operator declared (no cluster's). */
    public ForwardView(
            String name,
            String proto,
            String listen,
            List<TargetView> targets,
            List<String> allow,
            String snat,
            long packets,
            long bytes,
            Health health) {
        this(name, proto, listen, targets, allow, snat, packets, bytes, health, null);
    }

    /** {@code cluster} only for a cluster node's forward. */
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("name", name);
        out.writeStringField("proto", proto);
        out.writeStringField("listen", listen);
        JsonWriting.objects(out, "targets", targets);
        JsonWriting.texts(out, "allow", allow);
        out.writeStringField("snat", snat);
        out.writeNumberField("packets", packets);
        out.writeNumberField("bytes", bytes);
        out.writeStringField("health", health.wireName());
        JsonWriting.optionalText(out, "cluster", cluster);
        out.writeEndObject();
    }

    /** A forward.list reply, {@code {"forwards":[...]}}. */
    public static JsonWritable list(List<ForwardView> forwards) {
        return JsonWriting.listing("forwards", forwards);
    }

    /** The record from a forward.get reply; a field it lacks is an error (see {@link ReplyFields}). */
    public static ForwardView read(JsonNode reply) {
        return read(ReplyFields.of(reply, "forward.get reply"));
    }

    /** The record from the fields of one forward (a reply's, or an entry of a listing's). */
    public static ForwardView read(ReplyFields forward) {
        return new ForwardView(
                forward.text("name"),
                forward.text("proto"),
                forward.text("listen"),
                TargetView.readList(forward),
                forward.texts("allow"),
                forward.text("snat"),
                forward.number("packets"),
                forward.number("bytes"),
                forward.choice("health", Health.values()),
                forward.optionalText("cluster"));
    }
}
