package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The forward table shared by forward list, get and add. */
final class ForwardRows {
    private ForwardRows() {}

    static Table table() {
        return new Table("NAME", "PROTO", "LISTEN", "TARGETS", "ALLOW", "SNAT", "PACKETS", "BYTES", "HEALTH");
    }

    static void add(Table table, JsonNode forward) {
        table.row(
                forward.path("name").asText(),
                forward.path("proto").asText(),
                forward.path("listen").asText(),
                targets(forward.path("targets")),
                forward.path("allow").isEmpty() ? "any" : join(forward.path("allow")),
                forward.path("snat").asText(),
                forward.path("packets").asText("0"),
                forward.path("bytes").asText("0"),
                forward.path("health").asText("unknown"));
    }

    /** One target per line: the configured target, the resolved address when it differs, its health. */
    private static String targets(JsonNode targets) {
        List<String> lines = new ArrayList<>();
        for (JsonNode target : targets) {
            String configured = target.path("target").asText();
            String address = target.path("address").asText("");
            boolean literal = configured.startsWith(address + ":");
            String dns = target.path("dns").asText("");
            String resolved = address.isEmpty()
                    ? (dns.equals("resolving") ? " (resolving)" : " (unresolved)")
                    : literal ? "" : " -> " + address + (dns.equals("stale") ? " (stale)" : "");
            lines.add(configured + resolved + " [" + target.path("health").asText("unknown") + "]");
        }
        return String.join("\n", lines);
    }

    static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        for (JsonNode item : array) {
            items.add(item.asText());
        }
        return String.join(",", items);
    }
}
