package dev.natagent.agent.cli;

import dev.natagent.agent.protocol.ClusterView;

/** The table rows of clusters and of a cluster's nodes, from their records. */
final class ClusterRows {
    private ClusterRows() {}

    static TextTable clusters() {
        return new TextTable("NAME", "ENGINE", "ENDPOINT", "LISTEN", "NODES", "POLL")
                .painted(5)
                .optional(2, 1);
    }

    static void add(TextTable table, ClusterView cluster) {
        int present = 0;
        for (ClusterView.Node node : cluster.nodes()) {
            present += node.vanishedAt() != null ? 0 : 1;
        }
        table.row(
                cluster.name(),
                cluster.engine(),
                cluster.endpoint() + (cluster.tls() ? " (tls)" : ""),
                cluster.listen(),
                Integer.toString(present),
                poll(cluster.poll()));
    }

    /** "ok", "pending", or "failing: why". */
    private static String poll(ClusterView.Poll poll) {
        return poll.error() != null ? poll.state() + ": " + poll.error() : poll.state();
    }

    static TextTable nodes() {
        return new TextTable("LISTEN", "NODE", "ROLE", "ID", "FORWARD").optional(3, 4);
    }

    static void addNode(TextTable table, ClusterView.Node node) {
        String advertised = node.address() + ":" + node.port();
        if (node.host() != null) {
            advertised = node.host() + ":" + node.port() + " (" + advertised + ")";
        }
        table.row(
                Integer.toString(node.listenPort()),
                advertised,
                node.role(),
                node.id(),
                node.forward() != null ? node.forward() : "none: vanished " + node.vanishedAt());
    }
}
