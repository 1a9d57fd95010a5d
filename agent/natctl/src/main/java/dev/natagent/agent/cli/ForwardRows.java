package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

    static void add(TextTable table, JsonNode forward, boolean wide) {
        String allow = forward.path("allow").isEmpty() ? "any" : join(forward.path("allow"));
        // A cluster node's forward says whose it is: only its cluster changes it.
        String name = forward.path("name").asText()
                + (forward.hasNonNull("cluster")
                        ? " (cluster " + forward.path("cluster").asText() + ")"
                        : "");
        if (wide) {
            List<String> targets = new ArrayList<>();
            for (JsonNode target : forward.path("targets")) {
                targets.add(target(target, false));
            }
            table.row(
                    name,
                    forward.path("proto").asText(),
                    forward.path("listen").asText(),
                    String.join("\n", targets),
                    allow,
                    forward.path("snat").asText(),
                    forward.path("packets").asText("0"),
                    forward.path("bytes").asText("0"),
                    forward.path("health").asText("unknown"));
            return;
        }
        List<String> details = new ArrayList<>();
        for (String line : targetLines(forward, false)) {
            details.add("  " + line);
        }
        table.row(
                details,
                name,
                forward.path("proto").asText() + " " + forward.path("listen").asText(),
                allow,
                forward.path("snat").asText(),
                Units.count(forward.path("packets").asLong()),
                Units.bytes(forward.path("bytes").asLong()),
                forward.path("health").asText("unknown"));
    }

    /**
     * "6379 -> 10.0.1.230:6379 [up]", one per listen port, ports aligned; a DNS name with its
     * address, and {@code detailed}: since when and why its lookups fail.
     */
    static List<String> targetLines(JsonNode forward, boolean detailed) {
        String listen = forward.path("listen").asText();
        int dash = listen.indexOf('-');
        int first;
        try {
            first = Integer.parseInt(dash < 0 ? listen : listen.substring(0, dash));
        } catch (NumberFormatException e) {
            first = -1;
        }
        int width = String.valueOf(first + forward.path("targets").size() - 1).length();
        List<String> lines = new ArrayList<>();
        int port = first;
        for (JsonNode target : forward.path("targets")) {
            String from = first < 0 ? "?" : String.valueOf(port++);
            lines.add(" ".repeat(Math.max(0, width - from.length())) + from + " -> " + target(target, detailed));
        }
        return lines;
    }

    /**
     * The configured target, the resolved address when it differs (and whether it is stale; {@code
     * detailed}: since when, and why lookups fail), its health.
     */
    private static String target(JsonNode target, boolean detailed) {
        String configured = target.path("target").asText();
        String address = target.path("address").asText("");
        boolean literal = configured.startsWith(address + ":");
        String dns = target.path("dns").asText("");
        String error = target.path("dns_error").asText("");
        String why = detailed && !error.isEmpty() ? ": " + error : "";
        String stale = dns.equals("stale")
                ? ", stale" + (detailed ? " since " + target.path("stale_since").asText() : "") + why
                : "";
        String resolved = address.isEmpty()
                ? (dns.equals("resolving") ? " (resolving)" : " (unresolved" + why + ")")
                : literal ? "" : " (" + address + stale + ")";
        return configured + resolved + " [" + target.path("health").asText("unknown") + "]";
    }

    static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        for (JsonNode item : array) {
            items.add(item.asText());
        }
        return String.join(",", items);
    }
}
