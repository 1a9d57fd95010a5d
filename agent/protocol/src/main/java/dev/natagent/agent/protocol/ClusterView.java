package dev.natagent.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
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
            @JsonInclude(JsonInclude.Include.NON_NULL) String vanishedAt) {}

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
            @JsonInclude(JsonInclude.Include.NON_NULL) String errorKind) {}
}
