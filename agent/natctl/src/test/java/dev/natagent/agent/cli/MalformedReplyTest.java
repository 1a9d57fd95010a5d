package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.ApplyNames;
import dev.natagent.agent.protocol.ClusterChange;
import dev.natagent.agent.protocol.ClusterMap;
import dev.natagent.agent.protocol.ClusterView;
import dev.natagent.agent.protocol.ForwardChange;
import dev.natagent.agent.protocol.ForwardUpdate;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.Health;
import dev.natagent.agent.protocol.OutboundChange;
import dev.natagent.agent.protocol.OutboundView;
import dev.natagent.agent.protocol.TargetView;
import dev.natagent.agent.protocol.UploadBegun;
import dev.natagent.agent.testing.CliResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent of another protocol, whose replies lack a field (or have one of another type) that
 * natctl's record has: natctl names the field, prints nothing on stdout and exits 3, never showing
 * a default in its place. The same for the reply's envelope: id, ok, result and error.
 */
class MalformedReplyTest {
    private static final ForwardView FORWARD = new ForwardView(
            "redis",
            "tcp",
            "6379",
            List.of(new TargetView("10.0.1.230:6379", "10.0.1.230", Health.UP)),
            List.of(),
            "masquerade",
            1,
            2,
            Health.UP);
    private static final ClusterView CLUSTER = new ClusterView(
            "orders",
            "redis",
            "10.0.1.10:6379",
            "7000-7009",
            List.of(),
            "masquerade",
            false,
            null,
            null,
            null,
            10,
            300,
            null,
            0,
            List.of(),
            new ClusterView.Poll("pending", 0, 0, 0, null, null, null, null));

    @TempDir
    Path dir;

    @Test
    void aForwardListingWithoutAFieldIsNamed() throws Exception {
        ObjectNode forward = tree(FORWARD);
        forward.remove("health");
        ObjectNode result = TestJson.mapper().createObjectNode();
        result.putArray("forwards").add(tree(FORWARD)).add(forward);
        assertUnreadable(result, "forward.list reply.forwards[1] has no 'health'", "forward", "list");
        assertUnreadable(result, "forward.list reply.forwards[1] has no 'health'", "forward", "list", "-o", "wide");
    }

    @Test
    void aForwardWithoutATargetsFieldIsNamed() throws Exception {
        ObjectNode forward = tree(FORWARD);
        ((ObjectNode) forward.get("targets").get(0)).remove("target");
        assertUnreadable(forward, "forward.get reply.targets[0] has no 'target'", "forward", "get", "redis");
    }

    @Test
    void clusterRepliesWithoutAFieldOrOfAnotherTypeAreNamed() throws Exception {
        ObjectNode noPoll = tree(CLUSTER);
        noPoll.remove("poll");
        ObjectNode list = TestJson.mapper().createObjectNode();
        list.putArray("clusters").add(noPoll);
        assertUnreadable(list, "cluster.list reply.clusters[0] has no 'poll'", "cluster", "list");

        ObjectNode tls = tree(CLUSTER);
        tls.put("tls", "no");
        assertUnreadable(tls, "cluster.get reply: 'tls' is not true or false", "cluster", "get", "orders");

        ObjectNode map = tree(new ClusterMap(
                "orders", "203.0.113.73", Map.of("10.0.1.230:6379", new ClusterMap.Dial("203.0.113.73", 7000))));
        ((ObjectNode) map.get("map").get("10.0.1.230:6379")).remove("port");
        String noPort = "cluster.map reply.map[\"10.0.1.230:6379\"] has no 'port'";
        assertUnreadable(map, noPort, "cluster", "map", "orders");
        assertUnreadable(map, noPort, "cluster", "map", "orders", "--format", "list");
    }

    @Test
    void changeAcknowledgementsWithoutAFieldOrOfAnotherTypeAreNamed() throws Exception {
        ObjectNode noOut = tree(new OutboundChange(7, new OutboundView("private", List.of("10.0.0.0/16"), "ens5")));
        ((ObjectNode) noOut.get("outbound")).remove("out");
        assertUnreadable(
                noOut,
                "outbound change reply.outbound has no 'out'",
                "outbound",
                "add",
                "private",
                "--source",
                "10.0.0.0/16",
                "--out",
                "ens5");
        ObjectNode oldName = tree(new OutboundChange(8, new OutboundView("private", List.of("10.0.0.0/16"), "ens5")));
        oldName.set("generation", oldName.remove("revision"));
        assertUnreadable(oldName, "outbound change reply has no 'revision'", "outbound", "remove", "private");

        Path document = java.nio.file.Files.writeString(dir.resolve("state.json"), "{\"forwards\":[]}");
        ObjectNode applied = tree(new ApplyNames(true, 9, new ApplyNames.Diff(NO_NAMES, NO_NAMES, true, false, null)));
        ((ObjectNode) applied.at("/diff/forwards")).remove("added");
        assertUnreadable(applied, "apply reply.diff.forwards has no 'added'", "apply", document.toString());
        ObjectNode settings = tree(new ApplyNames(true, 9, new ApplyNames.Diff(NO_NAMES, NO_NAMES, true, false, null)));
        ((ObjectNode) settings.get("diff")).put("settings", "yes");
        assertUnreadable(settings, "apply reply.diff: 'settings' is not true or false", "apply", document.toString());
    }

    @Test
    void forwardAndClusterAcknowledgementsWithoutAFieldAreNamed() throws Exception {
        ObjectNode added = tree(new ForwardChange(1, FORWARD));
        ((ObjectNode) added.get("forward")).remove("packets");
        assertUnreadable(
                added,
                "forward change reply.forward has no 'packets'",
                "forward",
                "add",
                "redis",
                "--listen",
                "6379",
                "--to",
                "10.0.1.230:6379");
        ObjectNode removed = tree(new ForwardChange(2, FORWARD));
        removed.remove("revision");
        assertUnreadable(removed, "forward change reply has no 'revision'", "forward", "remove", "redis");
        ObjectNode set = tree(new ForwardUpdate(3, FORWARD, "to 10.0.1.230:6379 -> 10.0.1.240:6379"));
        set.put("changes", 1);
        assertUnreadable(
                set,
                "forward.set reply: 'changes' is not a string",
                "forward",
                "set",
                "redis",
                "--to",
                "10.0.1.240:6379");

        ObjectNode clusterAdded = tree(new ClusterChange(4, CLUSTER));
        ((ObjectNode) clusterAdded.get("cluster")).remove("name");
        assertUnreadable(
                clusterAdded,
                "cluster change reply.cluster has no 'name'",
                "cluster",
                "add",
                "orders",
                "--engine",
                "redis",
                "--endpoint",
                "10.0.1.10:6379",
                "--listen",
                "7000-7009");
        ObjectNode clusterRemoved = tree(new ClusterChange(5, CLUSTER));
        clusterRemoved.remove("revision");
        assertUnreadable(clusterRemoved, "cluster change reply has no 'revision'", "cluster", "remove", "orders");
        ObjectNode refreshed = tree(new ClusterChange(5, CLUSTER));
        ((ObjectNode) refreshed.get("cluster")).put("nodes", "none");
        assertUnreadable(
                refreshed, "cluster change reply.cluster: 'nodes' is not an array", "cluster", "refresh", "orders");
    }

    /** A document over the single-request size goes as an upload: its begin's answer is read strictly too. */
    @Test
    void anUploadBeginWithoutItsIdIsNamed() throws Exception {
        Path large = java.nio.file.Files.writeString(
                dir.resolve("large.json"), "{\"forwards\":[]}" + " ".repeat(ApplyUpload.SINGLE_REQUEST_BYTES));
        ObjectNode begun = tree(new UploadBegun("upload-1", 16_777_216));
        begun.remove("upload");
        assertUnreadable(begun, "apply.begin reply has no 'upload'", "apply", large.toString());
    }

    @Test
    void aDocumentWithoutItsContentIsNamed() throws Exception {
        ObjectNode export = TestJson.mapper().createObjectNode().put("format", "nft");
        assertUnreadable(export, "export reply has no 'content'", "export", "--format", "nft");
        ObjectNode metrics =
                TestJson.mapper().createObjectNode().put("format", "json").put("content", 3);
        assertUnreadable(metrics, "metrics reply: 'content' is not a string or an object", "metrics");
    }

    private static final ApplyNames.Section NO_NAMES =
            new ApplyNames.Section(List.of(), List.of(), List.of(), Map.of());

    private static ObjectNode tree(JsonWritable record) {
        return TestJson.toTree(record);
    }

    /** Replies whose envelope natctl cannot read: each said as it is, exit 3; a refusal, exit 1. */
    @Test
    void theEnvelopeIsReadStrictly() throws Exception {
        String cannotRead = "sent a reply natctl cannot read: ";
        assertAnswer(
                id -> "{\"v\":1,\"id\":" + id + ",\"result\":{\"forwards\":[]}}",
                3,
                cannotRead + "reply before its result has no 'ok'");
        assertAnswer(
                id -> "{\"v\":1,\"id\":" + id + ",\"ok\":\"true\",\"result\":{}}",
                3,
                cannotRead + "reply before its result: 'ok' is not true or false");
        assertAnswer(id -> "{\"v\":1,\"id\":" + id + ",\"ok\":true}", 3, cannotRead + "reply has no 'result'");
        assertAnswer(
                id -> "{\"v\":1,\"ok\":true,\"result\":{\"forwards\":[]}}",
                3,
                cannotRead + "reply before its result has no 'id'");
        assertAnswer(
                id -> "{\"v\":1,\"id\":" + id + ",\"ok\":false,\"error\":{\"message\":\"no\"}}",
                3,
                cannotRead + "reply.error has no 'code'");
        assertAnswer(
                id -> "{\"v\":1,\"id\":\"natctl-0\",\"ok\":true,\"result\":{\"forwards\":[]}}",
                3,
                "answered another request id");
        assertAnswer(
                id -> "{\"v\":1,\"id\":" + id + ",\"ok\":true,\"result\":{\"forwards\":{}}}",
                3,
                cannotRead + "forward.list reply: 'forwards' is not an array");
        assertAnswer(
                id -> "{\"v\":1,\"id\":" + id + ",\"ok\":true,\"result\":{\"forwards\":[], \"forwards\":[]}}",
                3,
                "sent malformed JSON: Duplicate field 'forwards'");
        assertAnswer(
                id -> "{\"v\":1,\"id\":" + id + ",\"ok\":true,\"result\":{\"forwards\":[]}} {}",
                3,
                "sent malformed JSON: unexpected content after the document");
        assertAnswer(id -> "[1]", 3, "sent a response that is not a JSON object");
        assertAnswer(
                id -> "{\"v\":1,\"id\":null,\"ok\":false,\"error\":{\"code\":\"BUSY\",\"message\":\"try again\"}}",
                1,
                "BUSY: try again");
    }

    /** natctl {@code args} against an agent that answers with {@code result}: exit 3 naming {@code problem}. */
    private void assertUnreadable(JsonNode result, String problem, String... args) throws Exception {
        Path socket = dir.resolve("admin.sock");
        CliResult run = natctlAnswered(id -> "{\"v\":1,\"id\":" + id + ",\"ok\":true,\"result\":" + result + "}", args);
        assertEquals(
                new CliResult(
                        ExitCode.UNREACHABLE,
                        "",
                        "natctl: agent at " + socket + " sent a reply natctl cannot read: " + problem + "\n"),
                run,
                String.join(" ", args));
    }

    /** natctl forward list against an agent that answers with {@code reply}: {@code exitCode}, stderr ending in {@code end}. */
    private void assertAnswer(Function<String, String> reply, int exitCode, String end) throws Exception {
        CliResult run = natctlAnswered(reply, "forward", "list");
        assertEquals(exitCode, run.exitCode(), run.toString());
        assertEquals("", run.out(), run.toString());
        assertTrue(run.err().startsWith("natctl: "), run.toString());
        assertTrue(run.err().contains(end), run + " should say " + end);
    }

    /** natctl {@code args} against an agent that answers with the line {@code reply} makes of the request's id (as JSON). */
    private CliResult natctlAnswered(Function<String, String> reply, String... args) throws Exception {
        Path socket = dir.resolve("admin.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> answerOnce(server, reply));
            CliResult run = CliResult.natctl(socket, args);
            answered.get(20, TimeUnit.SECONDS);
            return run;
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /** Reads one request line and answers it with the line {@code reply} makes of its id. */
    private static void answerOnce(ServerSocketChannel server, Function<String, String> reply) {
        try (SocketChannel client = server.accept()) {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (request.size() == 0 || request.toByteArray()[request.size() - 1] != '\n') {
                buffer.clear();
                if (client.read(buffer) < 0) {
                    return;
                }
                request.write(buffer.array(), 0, buffer.position());
            }
            String id =
                    TestJson.mapper().readTree(request.toByteArray()).get("id").toString();
            client.write(ByteBuffer.wrap((reply.apply(id) + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
