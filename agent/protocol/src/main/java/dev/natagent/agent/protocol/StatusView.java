package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;

/**
 * Answer of the status op.
 *
 * @param health ok, degraded (working but something needs attention) or failed (changes refused)
 * @param message one line saying why when not ok, else empty
 * @param revision current state revision (grows by one per acknowledged change)
 * @param ipForward on, off or unknown
 * @param ipForwardManaged whether the agent manages net.ipv4.ip_forward
 * @param kernelTable in_sync, drifted, missing or unknown
 * @param driftCorrections foreign changes undone since start
 * @param staleTargets DNS target names whose lookups fail while their last good address stays in
 *     use (the message and doctor say which and since when)
 * @param unresolvedTargets DNS target names that have no address at all (never resolved): their
 *     forwards' connections to them fail
 * @param ha this node's side of its pair; absent on a single instance
 * @param clusters clusters followed (their nodes' forwards count among {@code forwards})
 * @param failingClusters clusters whose last poll failed (their last good topology stays)
 */
public record StatusView(
        String health,
        String message,
        String version,
        long uptimeSeconds,
        long revision,
        int forwards,
        int outbounds,
        String ipForward,
        boolean ipForwardManaged,
        String kernelTable,
        long driftCorrections,
        int staleTargets,
        int unresolvedTargets,
        HaView ha,
        int clusters,
        int failingClusters)
        implements JsonWritable {
    /** {@code ha} only on a node of a pair. */
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("health", health);
        out.writeStringField("message", message);
        out.writeStringField("version", version);
        out.writeNumberField("uptime_seconds", uptimeSeconds);
        out.writeNumberField("revision", revision);
        out.writeNumberField("forwards", forwards);
        out.writeNumberField("outbounds", outbounds);
        out.writeStringField("ip_forward", ipForward);
        out.writeBooleanField("ip_forward_managed", ipForwardManaged);
        out.writeStringField("kernel_table", kernelTable);
        out.writeNumberField("drift_corrections", driftCorrections);
        out.writeNumberField("stale_targets", staleTargets);
        out.writeNumberField("unresolved_targets", unresolvedTargets);
        JsonWriting.optionalObject(out, "ha", ha);
        out.writeNumberField("clusters", clusters);
        out.writeNumberField("failing_clusters", failingClusters);
        out.writeEndObject();
    }

    /** The record from a status reply; a field it lacks is an error (see {@link ReplyFields}). */
    public static StatusView read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "status reply");
        ReplyFields ha = fields.optionalObject("ha");
        return new StatusView(
                fields.text("health"),
                fields.text("message"),
                fields.text("version"),
                fields.number("uptime_seconds"),
                fields.number("revision"),
                fields.count("forwards"),
                fields.count("outbounds"),
                fields.text("ip_forward"),
                fields.flag("ip_forward_managed"),
                fields.text("kernel_table"),
                fields.number("drift_corrections"),
                fields.count("stale_targets"),
                fields.count("unresolved_targets"),
                ha == null ? null : HaView.read(ha),
                fields.count("clusters"),
                fields.count("failing_clusters"));
    }
}
