package dev.natagent.agent.e2e;

import static dev.natagent.agent.e2e.Polling.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.testing.AdminClient;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.testing.KernelTests;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 clients of the admin socket issue conflicting forward adds and removes (few names, fewer ports) against the
 * real daemon for a bounded time. Afterwards the acknowledged answers, replayed in revision
 * order, must be a valid serial history whose end state is what the agent reports, what the kernel
 * map holds, and what a restarted agent loads from disk (and adopts without touching the kernel).
 */
@Tag(KernelTests.TAG)
class ConcurrentClientsEndToEndTest {
    private static final int CLIENTS = 50;
    private static final long RUN_MILLIS = 5_000;
    private static final int MAX_REQUESTS_PER_CLIENT = 2_000;
    private static final int NAMES = 10;
    private static final int FIRST_PORT = 7000;
    private static final int PORTS = 8;
    private static final long SEED = 20261126L;
    private static final Pattern ELEMENT =
            Pattern.compile("tcp \\. (\\d+)(?: counter packets \\d+ bytes \\d+)? : ([\\d.]+) \\. (\\d+)");

    @TempDir
    Path dir;

    @RegisterExtension
    final LabPerTest lab = new LabPerTest(() -> dir);

    /** One acknowledged change: what the client asked for and the revision the agent answered. */
    private record Ack(long revision, boolean add, String name, int port, String target) {}

    @Test
    void conflictingWritersEndInOneStateOnDiskInTheKernelAndInTheAnswers() throws Exception {
        AgentDaemon agent = lab.get().agent("{}").start();
        List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);

        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            Random random = new Random(SEED + c);
            clients.execute(() -> {
                for (int i = 0; i < MAX_REQUESTS_PER_CLIENT && System.nanoTime() < deadline; i++) {
                    String name = "f" + random.nextInt(NAMES);
                    boolean add = random.nextBoolean();
                    int port = FIRST_PORT + random.nextInt(PORTS);
                    String target = "10.0.1." + (1 + random.nextInt(250)) + ":6379";
                    try {
                        JsonNode response = add
                                ? AdminClient.callOnce(agent.socket(), "forward.add", forward(name, port, target))
                                : AdminClient.callOnce(
                                        agent.socket(),
                                        "forward.remove",
                                        AdminClient.args().put("name", name));
                        if (response.get("ok").asBoolean()) {
                            long revision = response.at("/result/revision").asLong();
                            acks.add(new Ack(revision, add, name, port, target));
                        } else {
                            String code = response.at("/error/code").asText();
                            refusals.computeIfAbsent(code, k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    } catch (IOException | RuntimeException e) {
                        unexpected.add(e.toString());
                    }
                }
            });
        }
        clients.shutdown();
        assertTrue(clients.awaitTermination(RUN_MILLIS + 60_000, TimeUnit.MILLISECONDS), "clients stuck: deadlock?");
        System.out.printf(
                "FIGURE concurrency: %d clients for %d ms: %d acknowledged changes, refusals %s, other %d%n",
                CLIENTS, RUN_MILLIS, acks.size(), refusals, unexpected.size());
        assertEquals(List.of(), unexpected, "every request got an answer");
        assertTrue(acks.size() > 50, "too few changes went through to mean anything: " + acks.size());
        assertTrue(refusals.containsKey("PORT_IN_USE") && refusals.containsKey("NAME_TAKEN"), "conflicts happened");

        Map<String, Ack> expected = replay(acks);
        assertEquals(
                acks.size(),
                json(CliResult.natctlOk(agent, "--json", "status"))
                        .get("revision")
                        .asLong());
        assertEquals(summary(expected), summary(exported(agent)), "the agent's state (natctl export)");
        assertEquals(
                kernelPorts(expected),
                kernelPorts(lab.get().nat.execOk("nft", "list", "map", "ip", "nat_agent", "forwards")));

        String table = lab.get().kernelTable();
        agent.terminate();
        AgentDaemon restarted = lab.get().agent("{}").start();
        assertEquals(summary(expected), summary(exported(restarted)), "the state on disk");
        assertEquals(
                table.replaceAll("counter packets \\d+ bytes \\d+", ""),
                lab.get().kernelTable().replaceAll("counter packets \\d+ bytes \\d+", ""),
                "the restarted agent found the kernel matching the disk");
        assertTrue(restarted.log().contains("adopted it untouched"), restarted.log());
    }

    private static ObjectNode forward(String name, int port, String target) {
        var forward = AdminClient.args().put("name", name).put("listen", String.valueOf(port));
        forward.putArray("to").add(target);
        var args = AdminClient.args();
        args.set("forward", forward);
        return args;
    }

    /**
     * Replays the acknowledged changes in revision order, checking that revisions run 1..N
     * without gap or repeat and that each change was valid at its place (a serial history).
     */
    private static Map<String, Ack> replay(List<Ack> acks) {
        List<Ack> ordered = new ArrayList<>(acks);
        ordered.sort(Comparator.comparingLong(Ack::revision));
        Map<String, Ack> state = new TreeMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            Ack ack = ordered.get(i);
            assertEquals(i + 1, ack.revision(), "revisions acknowledged once each, in sequence");
            if (ack.add()) {
                assertTrue(!state.containsKey(ack.name()), "added a taken name: " + ack);
                assertTrue(
                        state.values().stream().noneMatch(a -> a.port() == ack.port()), "added a taken port: " + ack);
                state.put(ack.name(), ack);
            } else {
                assertTrue(state.remove(ack.name()) != null, "removed a missing name: " + ack);
            }
        }
        return state;
    }

    private static Map<String, String> summary(Map<String, Ack> state) {
        Map<String, String> summary = new TreeMap<>();
        state.forEach((name, ack) -> summary.put(name, ack.port() + " -> " + ack.target()));
        return summary;
    }

    private static Map<String, Ack> exported(AgentDaemon agent) {
        NatState state = ModelJson.read(CliResult.natctlOk(agent, "export"), NatState.class);
        Map<String, Ack> forwards = new TreeMap<>();
        for (Forward forward : state.forwards().values()) {
            forwards.put(
                    forward.name(),
                    new Ack(
                            0,
                            true,
                            forward.name(),
                            forward.listen().first(),
                            forward.targets().get(0).toString()));
        }
        return forwards;
    }

    private static Map<Integer, String> kernelPorts(Map<String, Ack> state) {
        Map<Integer, String> ports = new TreeMap<>();
        state.values().forEach(ack -> ports.put(ack.port(), ack.target()));
        return ports;
    }

    private static Map<Integer, String> kernelPorts(String nftListing) {
        Map<Integer, String> ports = new TreeMap<>();
        Matcher element = ELEMENT.matcher(nftListing);
        while (element.find()) {
            ports.put(Integer.parseInt(element.group(1)), element.group(2) + ":" + element.group(3));
        }
        return ports;
    }
}
