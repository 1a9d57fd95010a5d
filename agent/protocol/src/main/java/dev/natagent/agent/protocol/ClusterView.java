package dev.natagent.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster with its nodes and polls (wire form of cluster.get / cluster.list entries). The auth
 * file is shown as its path; its content never leaves the agent.
 *
 * @param configPort where the agent answers a Memcached cluster's auto-discovery clients, or null
 * @param version the topology's version (Memcached's config version; 0 for Redis)
 * @param nodes every node with its listen port, in listen port order; vanished ones too (they hold
 *     their port without a forward until the grace period ends)
 * @param poll how the polls go
 */
public record ClusterView(
        String name,
        String engine,
        String endpoint,
        String listen,
        List<String> allow,
        String snat,
        boolean tls,
        @JsonInclude(JsonInclude.Include.NON_NULL) String caFile,
        @JsonInclude(JsonInclude.Include.NON_NULL) String authFile,
        @JsonInclude(JsonInclude.Include.NON_NULL) String publicAddress,
        int pollIntervalSeconds,
        int graceSeconds,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer configPort,
        long version,
        List<Node> nodes,
        Poll poll) {

    public ClusterView {
        allow = List.copyOf(allow);
        nodes = List.copyOf(nodes);
    }

    /** The record from a cluster.get reply; a field it lacks is an error (see {@link ReplyFields}). */
    public static ClusterView read(JsonNode reply) {
        return read(ReplyFields.of(reply, "cluster.get reply"));
    }

    /** The records of a cluster.list reply ({@code {"clusters":[...]}}). */
    public static List<ClusterView> readList(JsonNode reply) {
        List<ClusterView> clusters = new ArrayList<>();
        for (ReplyFields cluster : ReplyFields.of(reply, "cluster.list reply").objects("clusters")) {
            clusters.add(read(cluster));
        }
        return clusters;
    }

    /** The record from the fields of one cluster (a listing's entry, or a change's). */
    static ClusterView read(ReplyFields cluster) {
        List<Node> nodes = new ArrayList<>();
        for (ReplyFields node : cluster.objects("nodes")) {
            nodes.add(Node.read(node));
        }
        return new ClusterView(
                cluster.text("name"),
                cluster.text("engine"),
                cluster.text("endpoint"),
                cluster.text("listen"),
                cluster.texts("allow"),
                cluster.text("snat"),
                cluster.flag("tls"),
                cluster.optionalText("ca_file"),
                cluster.optionalText("auth_file"),
                cluster.optionalText("public_address"),
                cluster.count("poll_interval_seconds"),
                cluster.count("grace_seconds"),
                cluster.optionalCount("config_port"),
                cluster.number("version"),
                nodes,
                Poll.read(cluster.object("poll")));
    }

    /**
     * One node.
     *
     * @param host the host name the cluster advertises for it, or null
     * @param forward the name of its forward, or null while it is vanished
     * @param vanishedAt when it went missing (ISO-8601), or null while it is present
     */
    public record Node(
            String id,
            @JsonInclude(JsonInclude.Include.NON_NULL) String host,
            String address,
            int port,
            String role,
            int listenPort,
            @JsonInclude(JsonInclude.Include.NON_NULL) String forward,
            @JsonInclude(JsonInclude.Include.NON_NULL) String vanishedAt) {
        static Node read(ReplyFields node) {
            return new Node(
                    node.text("id"),
                    node.optionalText("host"),
                    node.text("address"),
                    node.count("port"),
                    node.text("role"),
                    node.count("listen_port"),
                    node.optionalText("forward"),
                    node.optionalText("vanished_at"));
        }
    }

    /**
     * The polls since the agent started.
     *
     * @param state ok (the last poll was good), failing (it was not: the last good topology stays
     *     in force), or pending (none has ended yet)
     * @param lastPoll when the last poll ended (ISO-8601), or null
     * @param lastGoodPoll when the last good poll ended, or null
     * @param error why the last poll failed, or null
     * @param errorKind UNREACHABLE, AUTH_FAILED, TLS, PROTOCOL, TIMEOUT, RANGE_FULL or APPLY; null
     *     when the last poll was good
     */
    public record Poll(
            String state,
            long polls,
            long failures,
            long topologyChanges,
            @JsonInclude(JsonInclude.Include.NON_NULL) String lastPoll,
            @JsonInclude(JsonInclude.Include.NON_NULL) String lastGoodPoll,
            @JsonInclude(JsonInclude.Include.NON_NULL) String error,
            @JsonInclude(JsonInclude.Include.NON_NULL) String errorKind) {
        static Poll read(ReplyFields poll) {
            return new Poll(
                    poll.text("state"),
                    poll.number("polls"),
                    poll.number("failures"),
                    poll.number("topology_changes"),
                    poll.optionalText("last_poll"),
                    poll.optionalText("last_good_poll"),
                    poll.optionalText("error"),
                    poll.optionalText("error_kind"));
        }
    }
}
