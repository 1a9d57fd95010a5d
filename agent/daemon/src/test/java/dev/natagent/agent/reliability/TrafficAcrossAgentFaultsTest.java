package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.testing.AdminClient;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.ClassPathCopy;
import dev.natagent.agent.testing.KernelTable;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic across agent faults: a client namespace keeps opening new TCP connections through the NAT forward to
 * a real redis-server (PING on each) while the agent is SIGKILLed and restarted, upgraded in place
 * (SIGTERM, then started from a copied jar set) and SIGTERMed and restarted. No request may fail,
 * and every restart must adopt the kernel table untouched: {@code nft -a list table ip nat_agent}
 * identical, handles included.
 */
@Tag(KernelTests.TAG)
class TrafficAcrossAgentFaultsTest {
    private static final String NAT_ADDRESS = "198.51.100.1";
    private static final String NODE = "10.0.1.230";
    private static final int PORT = 6379;
    /** Bounds of the load: requests, and a pause between them so client ports never run out. */
    private static final int MAX_REQUESTS = 20_000;

    private static final long LOAD_SECONDS = 45;
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    @TempDir
    Path dir;

    @Test
    void noRequestFailsWhileTheAgentIsKilledUpgradedAndStopped() throws Exception {
        KernelTests.requireKernel();
        try (Netns client = Netns.create();
                Netns nat = Netns.create();
                Netns node = Netns.create()) {
            Netns.veth(client, "c0", "198.51.100.27/24", nat, "n0", NAT_ADDRESS + "/24");
            Netns.veth(nat, "n1", "10.0.1.1/24", node, "e0", NODE + "/24");
            Process redis = new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            node.name(),
                            "redis-server",
                            "--bind",
                            NODE,
                            "--port",
                            "" + PORT,
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--protected-mode",
                            "no")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
            try {
                run(client, nat);
            } finally {
                redis.destroy();
                if (!redis.waitFor(10, TimeUnit.SECONDS)) {
                    redis.destroyForcibly();
                }
            }
        }
    }

    private void run(Netns client, Netns nat) throws Exception {
        Path socket = dir.resolve("admin.sock");
        AgentDaemon.Launch launch = new AgentDaemon.Launch(
                nat, dir.resolve("state"), socket, dir.resolve("no-config.json"), dir.resolve("agent.log"));
        AgentDaemon agent = AgentDaemon.start(launch);
        try {
            Forward forward = Forward.single("redis", Protocol.TCP, PORT, Target.parse(NODE + ":" + PORT));
            AdminClient.ok(
                    socket,
                    "forward.add",
                    TestJson.mapper().createObjectNode().set("forward", TestJson.toTree(forward)));
            awaitFirstPong(client);
            String table = KernelTable.withHandles(nat);

            Load load = new Load(client);
            load.start();
            List<String> steps = new ArrayList<>();
            Thread.sleep(300);

            agent.kill();
            Thread.sleep(300);
            agent = AgentDaemon.start(launch);
            assertEquals(table, KernelTable.withHandles(nat), "after SIGKILL and restart");
            steps.add("SIGKILL+restart");
            Thread.sleep(300);

            String upgraded = ClassPathCopy.copy(AgentDaemon.CLASS_PATH, Files.createDirectory(dir.resolve("upgrade")));
            agent.terminate();
            agent = AgentDaemon.start(launch.withClassPath(upgraded));
            assertEquals(table, KernelTable.withHandles(nat), "after the upgrade in place");
            steps.add("upgrade in place");
            Thread.sleep(300);

            agent.terminate();
            Thread.sleep(300);
            agent = AgentDaemon.start(launch);
            assertEquals(table, KernelTable.withHandles(nat), "after SIGTERM and restart");
            steps.add("SIGTERM+restart");
            Thread.sleep(300);

            load.stop();
            assertEquals("ok", AdminClient.status(socket).path("health").asText());
            System.out.println(
                    "RELIABILITY 3: " + load.done.get() + " requests (new TCP connection + PING to redis-server"
                            + " through the forward) across " + String.join(", ", steps) + ": " + load.failed.get()
                            + " failed; nft -a list table ip nat_agent identical (same handles) after each of "
                            + steps.size() + " restarts");
            assertEquals(0, load.failed.get(), "failed requests, first: " + load.firstFailure.get());
            assertTrue(load.done.get() > 0);
        } finally {
            agent.close();
        }
    }

    private static void awaitFirstPong(Netns client) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                client.call(() -> {
                    ping();
                    return null;
                });
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(50);
            }
        }
        fail("redis-server never answered through the forward: " + last);
    }

    /** One request: a new connection through the NAT, PING, +PONG. */
    private static void ping() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(NAT_ADDRESS, PORT), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(7);
            if (!"+PONG\r\n".equals(new String(answer, StandardCharsets.US_ASCII))) {
                throw new IOException("unexpected answer " + new String(answer, StandardCharsets.US_ASCII));
            }
        }
    }

    /** The bounded load, run on the client namespace's thread from a thread of its own. */
    private static final class Load {
        final AtomicLong done = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<String> firstFailure = new AtomicReference<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Netns client;
        private final Thread thread;

        Load(Netns client) {
            this.client = client;
            this.thread = new Thread(this::loop, "redis-load");
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(LOAD_SECONDS + 10));
            assertTrue(!thread.isAlive(), "the load did not stop");
        }

        private void loop() {
            try {
                client.call(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOAD_SECONDS);
                    while (!stop.get() && done.get() + failed.get() < MAX_REQUESTS && System.nanoTime() < deadline) {
                        try {
                            ping();
                            done.incrementAndGet();
                        } catch (IOException e) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, e.toString());
                        }
                        Thread.sleep(1);
                    }
                    return null;
                });
            } catch (Exception e) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, "load aborted: " + e);
            }
        }
    }
}
