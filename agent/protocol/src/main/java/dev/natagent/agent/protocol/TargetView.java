package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One target of a forward as the agent sees it now.
 *
 * @param target as configured, HOST:PORT
 * @param address the IPv4 address in use (the last good one for a DNS name), null if never resolved
 * @param health TCP connect probe result
 * @param dns for a DNS name: resolved, stale (the address in use is the last good one, the latest
 *     lookup failed), resolving (no lookup has ended yet: a new name, or just after start) or
 *     unresolved (no address yet, lookups fail); null for an IPv4 literal
 * @param staleSince when the name's lookups began to fail (ISO-8601), null while they succeed
 * @param dnsError why the latest lookup failed (no answer in time, no such name, only addresses no
 *     target may have), null while they succeed
 */
public record TargetView(String target, String address, Health health, String dns, String staleSince, String dnsError)
        implements JsonWritable {
    /** An IPv4 literal target. */
    public TargetView(String target, String address, Health health) {
        this(target, address, health, null, null, null);
    }

    /** Every field, null or not. */
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("target", target);
        JsonWriting.text(out, "address", address);
        out.writeStringField("health", health.wireName());
        JsonWriting.text(out, "dns", dns);
        JsonWriting.text(out, "stale_since", staleSince);
        JsonWriting.text(out, "dns_error", dnsError);
        out.writeEndObject();
    }

    /** The targets of a forward's reply ({@code "targets":[...]}); see {@link ReplyFields}. */
    static List<TargetView> readList(ReplyFields forward) {
        List<TargetView> targets = new ArrayList<>();
        for (ReplyFields target : forward.objects("targets")) {
            targets.add(new TargetView(
                    target.text("target"),
                    target.nullableText("address"),
                    target.choice("health", Health.values()),
                    target.nullableText("dns"),
                    target.nullableText("stale_since"),
                    target.nullableText("dns_error")));
        }
        return targets;
    }
}
