package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.testing.AdminClient;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.KernelTests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent changes against the real daemon in a namespace: 50 clients, each on its own connection,
 * add and remove forwards with clashing names and ports for 10 s ({@code
 * -Dnatagent.concurrency.seconds=N}). Replaying the acknowledged answers in revision order (no
 * gap, no duplicate) gives one set of forwards, and the daemon's listing, the kernel's {@code
 * forwards} map and the state directory (read with {@link StateStore} after SIGTERM) all equal it.
 * A watchdog bounds the run; should the daemon stop answering, its thread dump is in the failure.
 */
@Tag(KernelTests.TAG)
class ConcurrentChangesTest {
    private static final int CLIENTS = 50;
    private static final int SECONDS = Integer.getInteger("natagent.concurrency.seconds", 10);
    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f");
    private static final int FIRST_PORT = 7000;
    private static final int PORTS = 8;
    /** One element of the forwards map: {@code tcp . 7003 counter packets 0 bytes 0 : 10.0.1.5 . 6379}. */
    private static final Pattern ELEMENT =
            Pattern.compile("tcp \\. (\\d+)(?: counter packets \\d+ bytes \\d+)? : ([0-9.]+) \\. (\\d+)");

    @TempDir
    Path dir;

    /** An acknowledged change: what it did to which forward, and where (port, target) for an add. */
    record Ack(long revision, boolean add, String name, int port, String target) {}

    @Test
    void disksKernelAndLastAcknowledgedAnswersAgree() throws Exception {
        KernelTests.requireKernel();
        List<Ack> acks = new CopyOnWriteArrayList<>();
        Map<String, Integer> refusals = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        long calls;
        Map<String, String> replayed = new TreeMap<>();
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            long revision0 = agent.call("status", "{}").at("/result/revision").asLong();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS, task -> {
                Thread thread = new Thread(task, "client");
                thread.setDaemon(true); // a client stuck on a hung daemon must not keep the JVM alive
                return thread;
            });
            java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.execute(() -> {
                    try (AdminClient connection = agent.connect()) {
                        Random random = new Random(client);
                        while (System.nanoTime() < deadline) {
                            String name = NAMES.get(random.nextInt(NAMES.size()));
                            int port = FIRST_PORT + random.nextInt(PORTS);
                            String target = "10.0.1." + (client + 1) + ":" + (6000 + random.nextInt(1000));
                            boolean add = random.nextInt(3) > 0;
                            JsonNode response = add
                                    ? connection.call(
                                            "forward.add",
                                            "{\"forward\":{\"name\":\"" + name + "\",\"listen\":\"" + port
                                                    + "\",\"to\":[\"" + target + "\"]}}")
                                    : connection.call("forward.remove", "{\"name\":\"" + name + "\"}");
                            sent.incrementAndGet();
                            if (response.path("ok").asBoolean()) {
                                JsonNode result = response.get("result");
                                acks.add(new Ack(
                                        result.get("revision").asLong(),
                                        add,
                                        result.at("/forward/name").asText(),
                                        result.at("/forward/listen").asInt(),
                                        result.at("/forward/targets/0/target").asText()));
                            } else {
                                refusals.merge(response.at("/error/code").asText(), 1, Integer::sum);
                            }
                        }
                    } catch (Exception | AssertionError e) {
                        failures.add(e);
                    }
                });
            }
            clients.shutdown();
            if (!clients.awaitTermination(SECONDS + 60, TimeUnit.SECONDS)) {
                String dump = agent.threadDump();
                clients.shutdownNow();
                throw new AssertionError("deadlock? the clients did not finish within " + (SECONDS + 60)
                        + " s; the daemon's threads:\n" + dump);
            }
            assertEquals(List.of(), failures);
            calls = sent.get();

            List<Ack> ordered = new ArrayList<>(acks);
            ordered.sort(Comparator.comparingLong(Ack::revision));
            long expected = revision0;
            for (Ack ack : ordered) {
                assertEquals(++expected, ack.revision(), "acknowledged revisions have no gap, no duplicate");
                if (ack.add()) {
                    assertNull(replayed.put(ack.name(), ack.port() + "->" + ack.target()), "added twice: " + ack);
                    assertEquals(
                            1,
                            replayed.values().stream()
                                    .filter(v -> v.startsWith(ack.port() + "->"))
                                    .count(),
                            "port given twice: " + ack);
                } else {
                    assertNotNull(replayed.remove(ack.name()), "removed what was not there: " + ack);
                }
            }
            assertTrue(ordered.size() >= CLIENTS, "enough changes went through: " + ordered.size());
            assertEquals(
                    expected, agent.call("status", "{}").at("/result/revision").asLong(), "status' revision");

            Map<String, String> listed = new TreeMap<>();
            for (JsonNode forward : agent.call("forward.list", "{}").at("/result/forwards")) {
                listed.put(
                        forward.get("name").asText(),
                        forward.get("listen").asInt() + "->"
                                + forward.at("/targets/0/target").asText());
            }
            assertEquals(replayed, listed, "the daemon's listing");
            assertEquals(
                    new TreeMap<>(replayed.values().stream()
                            .collect(java.util.stream.Collectors.toMap(v -> v.substring(0, v.indexOf("->")), v -> v))),
                    kernelForwards(agent.table()),
                    "the kernel's forwards map");
            agent.stop();
        }
        try (StateStore store = StateStore.open(dir.resolve("state"))) {
            NatState state = store.state();
            Map<String, String> onDisk = new TreeMap<>();
            state.forwards()
                    .forEach((name, forward) -> onDisk.put(
                            name,
                            forward.listen().first() + "->" + forward.targets().get(0)));
            assertEquals(replayed, onDisk, "the state directory");
        }
        System.out.printf(
                "RELIABILITY item8 (concurrency, real daemon): %d clients for %d s, %d requests, %d acknowledged"
                        + " changes, refusals %s; final %d forwards equal in acknowledged answers, daemon listing,"
                        + " kernel map and state directory; no deadlock%n",
                CLIENTS, SECONDS, calls, acks.size(), new TreeMap<>(refusals), replayed.size());
    }

    /** Listen port -> "port->address:port" from the listing's forwards map. */
    private static Map<String, String> kernelForwards(String table) {
        int start = table.indexOf("map forwards");
        String map = table.substring(start, table.indexOf("\n\t}", start)); // the map's own closing brace
        Map<String, String> out = new TreeMap<>();
        Matcher matcher = ELEMENT.matcher(map);
        while (matcher.find()) {
            out.put(matcher.group(1), matcher.group(1) + "->" + matcher.group(2) + ":" + matcher.group(3));
        }
        return out;
    }
}
