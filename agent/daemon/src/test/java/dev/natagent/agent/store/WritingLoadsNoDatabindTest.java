package dev.natagent.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.natagent.agent.api.AdminException;
import dev.natagent.agent.api.Document;
import dev.natagent.agent.api.ResponseEncoder;
import dev.natagent.agent.metrics.AgentMetrics;
import dev.natagent.agent.metrics.MetricSources;
import dev.natagent.agent.metrics.MetricsJson;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.JsonWriting;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.Health;
import dev.natagent.agent.protocol.StatusView;
import dev.natagent.agent.protocol.TargetView;
import dev.natagent.agent.resolve.LastGoodAddresses;
import dev.natagent.agent.resolve.TargetStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the daemon writes goes through jackson-core alone: making an ObjectMapper loads
 * hundreds of classes the idle daemon would keep. Checked in a JVM of its own (one that has loaded
 * nothing else), which builds a state, then writes a snapshot, a journal record, replies (status,
 * forward list, an error, an export), the metrics JSON and the last good addresses, with class
 * loading logged.
 */
class WritingLoadsNoDatabindTest {
    @TempDir
    Path dir;

    @Test
    void theDaemonsWritersLoadNoDatabindClass() throws Exception {
        Path log = dir.resolve("out.txt");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xlog:class+load=info:stdout",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Writes.class.getName(),
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the writing JVM ends");
        List<String> lines = Files.readAllLines(log);
        assertEquals(0, process.exitValue(), String.join("\n", lines));
        assertTrue(
                lines.stream().anyMatch(l -> l.contains("com.fasterxml.jackson.core.json.UTF8JsonGenerator")),
                "the writes ran through jackson-core's generator");
        List<String> databind = lines.stream()
                .filter(l -> l.contains("com.fasterxml.jackson.databind."))
                .toList();
        assertEquals(List.of(), databind);
    }

    /** The writes, in the JVM the test starts. */
    static final class Writes {
        public static void main(String[] args) throws IOException {
            OutputStream sink = OutputStream.nullOutputStream();
            NatState state = state();
            Snapshot.of(7, state).writeTo(sink);
            sink.write(new JournalRecord(
                            8, StateDiff.between(NatState.empty(), state).changes())
                    .toLine());

            ResponseEncoder replies = new ResponseEncoder();
            StatusView status = new StatusView("ok", "", "1", 1, 8, 3, 1, "on", true, "in_sync", 0, 0, 0, null, 1, 0);
            sink.write(replies.success("1", status).toByteArray());
            ForwardView view = new ForwardView(
                    "redis",
                    "tcp",
                    "6379",
                    List.of(new TargetView("10.0.1.230:6379", "10.0.1.230", Health.UP)),
                    List.of(),
                    "masquerade",
                    1,
                    2,
                    Health.UP);
            sink.write(replies.success("2", ForwardView.list(List.of(view))).toByteArray());
            sink.write(replies.success("3", Document.json("json", state::write)).toByteArray());
            sink.write(replies.failure("4", new AdminException(ErrorCode.NOT_FOUND, "no forward 'x'", "args.name"))
                    .toByteArray());
            AgentMetrics metrics = new AgentMetrics(new MetricRegistry(), MetricSources.NONE);
            try (JsonGenerator json = JsonWriting.generator(sink)) {
                MetricsJson.write(metrics, json);
            }
            LastGoodAddresses.in(Path.of(args[0]))
                    .save(List.of(TargetStatus.carriedOver("node.example", Ipv4.parse("10.0.1.230"), Instant.EPOCH)));
            if (!Files.readString(Path.of(args[0], LastGoodAddresses.FILE), StandardCharsets.UTF_8)
                    .contains("10.0.1.230")) {
                throw new IllegalStateException("the addresses were not written");
            }
        }

        private static NatState state() {
            List<Forward> forwards = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                forwards.add(new Forward(
                        "f" + i,
                        Protocol.TCP,
                        PortRange.single(6000 + i),
                        List.of(Target.parse("node-" + i + ".example:6379")),
                        List.of(Cidr.parse("198.51.100.0/24")),
                        ReturnPath.MASQUERADE));
            }
            ClusterSpec spec = new ClusterSpec(
                    "orders",
                    ClusterEngine.REDIS,
                    Target.parse("cfg.example:6379"),
                    PortRange.parse("7000-7099"),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
            return NatState.of(
                    Settings.DEFAULTS,
                    forwards,
                    List.of(new Outbound("private", List.of(Cidr.parse("10.0.0.0/16")), "ens5")),
                    List.of(Cluster.of(spec)));
        }
    }
}
