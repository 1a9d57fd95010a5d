package dev.natagent.agent.protocol;

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
public record TargetView(String target, String address, Health health, String dns, String staleSince, String dnsError) {
    /** An IPv4 literal target. */
    public TargetView(String target, String address, Health health) {
        this(target, address, health, null, null, null);
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
