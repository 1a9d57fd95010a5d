package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;
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
        String caFile,
        String authFile,
        String publicAddress,
        int pollIntervalSeconds,
        int graceSeconds,
        Integer configPort,
        long version,
        List<Node> nodes,
        Poll poll)
        implements JsonWritable {

    public ClusterView {
        allow = List.copyOf(allow);
        nodes = List.copyOf(nodes);
    }

    /** The files, the public address and the config port only when set. */
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("name", name);
        out.writeStringField("engine", engine);
        out.writeStringField("endpoint", endpoint);
        out.writeStringField("listen", listen);
        JsonWriting.texts(out, "allow", allow);
        out.writeStringField("snat", snat);
        out.writeBooleanField("tls", tls);
        JsonWriting.optionalText(out, "ca_file", caFile);
        JsonWriting.optionalText(out, "auth_file", authFile);
        JsonWriting.optionalText(out, "public_address", publicAddress);
        out.writeNumberField("poll_interval_seconds", pollIntervalSeconds);
        out.writeNumberField("grace_seconds", graceSeconds);
        JsonWriting.optionalNumber(out, "config_port", configPort);
        out.writeNumberField("version", version);
        JsonWriting.objects(out, "nodes", nodes);
        JsonWriting.object(out, "poll", poll);
        out.writeEndObject();
    }

    /** A cluster.list reply, {@code {"clusters":[...]}}. */
    public static JsonWritable list(List<ClusterView> clusters) {
        return JsonWriting.listing("clusters", clusters);
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
            String host,
            String address,
            int port,
            String role,
            int listenPort,
            String forward,
            String vanishedAt)
            implements JsonWritable {
        /** {@code host}, {@code forward} and {@code vanished_at} only when set. */
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            out.writeStringField("id", id);
            JsonWriting.optionalText(out, "host", host);
            out.writeStringField("address", address);
            out.writeNumberField("port", port);
            out.writeStringField("role", role);
            out.writeNumberField("listen_port", listenPort);
            JsonWriting.optionalText(out, "forward", forward);
            JsonWriting.optionalText(out, "vanished_at", vanishedAt);
            out.writeEndObject();
        }

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
            String lastPoll,
            String lastGoodPoll,
            String error,
            String errorKind)
            implements JsonWritable {
        /** The times and the error only when there are any. */
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            out.writeStringField("state", state);
            out.writeNumberField("polls", polls);
            out.writeNumberField("failures", failures);
            out.writeNumberField("topology_changes", topologyChanges);
            JsonWriting.optionalText(out, "last_poll", lastPoll);
            JsonWriting.optionalText(out, "last_good_poll", lastGoodPoll);
            JsonWriting.optionalText(out, "error", error);
            JsonWriting.optionalText(out, "error_kind", errorKind);
            out.writeEndObject();
        }

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
