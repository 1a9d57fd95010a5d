package dev.natagent.agent.e2e;

import static dev.natagent.agent.e2e.NatLab.PUBLIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.cli.ExitCode;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code natctl forward set} against the real daemon and kernel: a retarget takes effect at once,
 * while a connection already open to a target the forward keeps goes on working and the forward's
 * counters carry on from where they were (remove + add would drop both).
 */
@Tag(KernelTests.TAG)
class ForwardSetEndToEndTest {
    private static final String[] REDIS_NODES = {"10.0.1.230", "10.0.1.231", "10.0.1.232", "10.0.1.233"};

    @TempDir
    Path dir;

    @RegisterExtension
    final LabPerTest lab = new LabPerTest(() -> dir);

    @Test
    void aRetargetTakesEffectWhileOpenConnectionsAndCountersStay() throws Exception {
        Netns trusted = lab.get().client(ElastiCacheGuide.TRUSTED);
        Netns untrusted = lab.get().client("198.51.100.99");
        for (String address : REDIS_NODES) {
            lab.get().redis(lab.get().node(address), address);
        }
        AgentDaemon agent = lab.get().agent("{}").start();
        CliResult.natctlOk(agent, ElastiCacheGuide.addRedis());

        try (Socket open = trusted.call(() -> CacheClient.connect(PUBLIC, 6379, CacheClient.TIMEOUT_MILLIS))) {
            assertEquals("+PONG", ping(open), "the connection opened before the change");
            assertEquals("10.0.1.232:6379", laddr(trusted, 6381));
            long packets = counters(agent).get("packets").asLong();
            long bytes = counters(agent).get("bytes").asLong();
            assertTrue(packets > 0, "traffic counted before the change: " + counters(agent));

            CliResult taken = CliResult.natctl(agent, ElastiCacheGuide.addRedis());
            assertEquals(ExitCode.REFUSED, taken.exitCode(), taken.toString());
            assertTrue(taken.err().contains("natctl forward set redis"), "NAME_TAKEN hints at set: " + taken.err());

            String changed = CliResult.natctlOk(
                    agent, "forward", "set", "redis", "--to", "10.0.1.230:6379,10.0.1.231:6379,10.0.1.233:6379");
            assertTrue(
                    changed.startsWith("changed forward redis: to 10.0.1.230:6379,10.0.1.231:6379,10.0.1.232:6379 ->"
                            + " 10.0.1.230:6379,10.0.1.231:6379,10.0.1.233:6379 (revision 2)"),
                    changed);
            assertEquals("10.0.1.233:6379", laddr(trusted, 6381), "port 6381 now reaches the new node");
            assertEquals("10.0.1.230:6379", laddr(trusted, 6379));
            assertEquals("+PONG", ping(open), "the open connection to a kept target survives the retarget");
            JsonNode after = counters(agent);
            assertTrue(
                    after.get("packets").asLong() > packets
                            && after.get("bytes").asLong() > bytes,
                    "counters carry on (before: " + packets + " packets, " + bytes + " bytes): " + after);

            assertFalse(CacheClient.connects(untrusted, PUBLIC, 6379, 1_000), "allow-list still applies");
            CliResult.natctlOk(agent, "forward", "set", "redis", "--allow", "any");
            assertTrue(CacheClient.connects(untrusted, PUBLIC, 6379, 1_000), "allow-list opened to any source");
            assertEquals("+PONG", ping(open), "the open connection survives an allow-list change");
            assertTrue(
                    counters(agent).get("packets").asLong()
                            > after.get("packets").asLong(),
                    "counters kept across the allow-list change: " + counters(agent));

            JsonNode forward =
                    TestJson.mapper().readTree(CliResult.natctlOk(agent, "--json", "forward", "get", "redis"));
            assertEquals("[]", forward.get("allow").toString());
            assertEquals("10.0.1.233:6379", forward.at("/targets/2/target").asText());
            assertEquals(
                    3,
                    TestJson.mapper()
                            .readTree(CliResult.natctlOk(agent, "--json", "status"))
                            .get("revision")
                            .asLong());
        }
    }

    /** The forward as natctl shows it, with its counters. */
    private static JsonNode counters(AgentDaemon agent) throws IOException {
        return TestJson.mapper().readTree(CliResult.natctlOk(agent, "--json", "forward", "get", "redis"));
    }

    /** The node's address a new connection to listen port {@code port} reaches. */
    private static String laddr(Netns client, int port) throws Exception {
        return CacheClient.field(CacheClient.redis(client, PUBLIC, port, "CLIENT", "INFO"), "laddr");
    }

    /** PING on an already open connection; the status reply line. */
    private static String ping(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        return new String(in.readNBytes(7), StandardCharsets.US_ASCII).trim();
    }
}
