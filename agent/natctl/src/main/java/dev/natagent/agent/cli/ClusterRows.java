package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** The table rows of clusters and of a cluster's nodes, from their wire form. */
final class ClusterRows {
    private ClusterRows() {}

    static TextTable clusters() {
        return new TextTable("NAME", "ENGINE", "ENDPOINT", "LISTEN", "NODES", "POLL")
                .painted(5)
                .optional(2, 1);
    }

    static void add(TextTable table, JsonNode cluster) {
        int present = 0;
        for (JsonNode node : cluster.path("nodes")) {
            present += node.hasNonNull("vanished_at") ? 0 : 1;
        }
        table.row(
                cluster.path("name").asText(),
                cluster.path("engine").asText(),
                cluster.path("endpoint").asText() + (cluster.path("tls").asBoolean() ? " (tls)" : ""),
                cluster.path("listen").asText(),
                Integer.toString(present),
                poll(cluster.path("poll")));
    }

    /** "ok", "pending", or "failing: why". */
    static String poll(JsonNode poll) {
        String state = poll.path("state").asText();
        return poll.hasNonNull("error") ? state + ": " + poll.path("error").asText() : state;
    }

    static TextTable nodes() {
        return new TextTable("LISTEN", "NODE", "ROLE", "ID", "FORWARD").optional(3, 4);
    }

    static void addNode(TextTable table, JsonNode node) {
        String advertised =
                node.path("address").asText() + ":" + node.path("port").asText();
        if (node.hasNonNull("host")) {
            advertised = node.path("host").asText() + ":" + node.path("port").asText() + " (" + advertised + ")";
        }
        table.row(
                node.path("listen_port").asText(),
                advertised,
                node.path("role").asText(),
                node.path("id").asText(),
                node.hasNonNull("forward")
                        ? node.path("forward").asText()
                        : "none: vanished " + node.path("vanished_at").asText());
    }
}
