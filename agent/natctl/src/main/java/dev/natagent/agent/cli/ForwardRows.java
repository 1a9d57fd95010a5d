package dev.natagent.agent.cli;

import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.TargetView;
import java.util.ArrayList;
import java.util.List;

/**
 * The forward tables shared by forward list, add and set, and the target lines of forward get. The
 * default table fits a terminal:
 * a row per forward with short counters, and under it a line per listen port and its target (a
 * DNS name can be longer than any column). {@code -o wide} is one row per forward with every
 * field and exact counters, as wide as it takes.
 */
final class ForwardRows {
    private ForwardRows() {}

    static TextTable table(boolean wide) {
        return wide
                ? new TextTable("NAME", "PROTO", "LISTEN", "TARGETS", "ALLOW", "SNAT", "PACKETS", "BYTES", "HEALTH")
                        .painted(8)
                        .unlimited()
                : new TextTable("NAME", "LISTEN", "ALLOW", "SNAT", "PKTS", "BYTES", "HEALTH")
                        .painted(6)
                        .wrapsFirst(2)
                        .optional(5, 3, 4);
    }

    static void add(TextTable table, ForwardView forward, boolean wide) {
        String allow = allow(forward.allow());
        // A cluster node's forward says whose it is: only its cluster changes it.
        String name = forward.name() + (forward.cluster() != null ? " (cluster " + forward.cluster() + ")" : "");
        if (wide) {
            List<String> targets = new ArrayList<>();
            for (TargetView target : forward.targets()) {
                targets.add(target(target, false));
            }
            table.row(
                    name,
                    forward.proto(),
                    forward.listen(),
                    String.join("\n", targets),
                    allow,
                    forward.snat(),
                    Long.toString(forward.packets()),
                    Long.toString(forward.bytes()),
                    forward.health().wireName());
            return;
        }
        List<String> details = new ArrayList<>();
        for (String line : targetLines(forward, false)) {
            details.add("  " + line);
        }
        table.row(
                details,
                name,
                forward.proto() + " " + forward.listen(),
                allow,
                forward.snat(),
                Units.count(forward.packets()),
                Units.bytes(forward.bytes()),
                forward.health().wireName());
    }

    /**
     * "6379 -> 10.0.1.230:6379 [up]", one per listen port, ports aligned; a DNS name with its
     * address, and {@code detailed}: since when and why its lookups fail.
     */
    static List<String> targetLines(ForwardView forward, boolean detailed) {
        String listen = forward.listen();
        int dash = listen.indexOf('-');
        int first;
        try {
            first = Integer.parseInt(dash < 0 ? listen : listen.substring(0, dash));
        } catch (NumberFormatException e) {
            first = -1;
        }
        int width = String.valueOf(first + forward.targets().size() - 1).length();
        List<String> lines = new ArrayList<>();
        int port = first;
        for (TargetView target : forward.targets()) {
            String from = first < 0 ? "?" : String.valueOf(port++);
            lines.add(" ".repeat(Math.max(0, width - from.length())) + from + " -> " + target(target, detailed));
        }
        return lines;
    }

    /**
     * The configured target, the resolved address when it differs (and whether it is stale; {@code
     * detailed}: since when, and why lookups fail), its health.
     */
    private static String target(TargetView target, boolean detailed) {
        String configured = target.target();
        String address = target.address() == null ? "" : target.address();
        boolean literal = configured.startsWith(address + ":");
        String dns = target.dns() == null ? "" : target.dns();
        String error = target.dnsError() == null ? "" : target.dnsError();
        String why = detailed && !error.isEmpty() ? ": " + error : "";
        String stale = dns.equals("stale") ? ", stale" + (detailed ? " since " + target.staleSince() : "") + why : "";
        String resolved = address.isEmpty()
                ? (dns.equals("resolving") ? " (resolving)" : " (unresolved" + why + ")")
                : literal ? "" : " (" + address + stale + ")";
        return configured + resolved + " [" + target.health().wireName() + "]";
    }

    /** An allow-list as shown: its CIDRs, or "any" when it admits every source. */
    static String allow(List<String> allow) {
        return allow.isEmpty() ? "any" : String.join(",", allow);
    }
}
