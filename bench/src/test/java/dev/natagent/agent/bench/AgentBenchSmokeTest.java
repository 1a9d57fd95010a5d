package dev.natagent.agent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.validation.Validator;
import dev.natagent.bench.Printed;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mode of the agent harnesses ({@code AgentBench} for agent-bench.sh, start-bench.sh and
 * agent-rss.sh, {@code RssWorkload} for agent-rss.sh) on small states: each does its job and prints
 * the figures the scripts read. Asserts no timing.
 */
class AgentBenchSmokeTest {
    @TempDir
    Path dir;

    @Test
    void seedPersistsTheBenchmarkStateForTheDaemonToAdopt() throws Exception {
        Path state = dir.resolve("state");
        AgentBench.main(new String[] {"seed", state.toString(), "50"});

        try (StateStore store = StateStore.open(state)) {
            assertEquals(AgentBench.state(50).forwards(), store.state().forwards());
        }
    }

    @Test
    void exportWritesTheAgentsRulesetAndTheStateDocument() throws Exception {
        Path nft = dir.resolve("50.nft");
        AgentBench.main(new String[] {"export", "50", "nft", nft.toString()});
        String script = Files.readString(nft);
        assertTrue(script.contains("table ip nat_agent {") && script.contains("10.0.1.2"), script);

        Path json = dir.resolve("lists.json");
        AgentBench.main(new String[] {"export", "50", "json", json.toString(), "7"});
        NatState read = ModelJson.read(Files.readString(json), NatState.class);
        assertEquals(AgentBench.withAllowLists(50, 7, false).forwards(), read.forwards());
    }

    @Test
    void theReplacingStatesChangeEveryTargetAndListOfTheSameForwards() throws Exception {
        assertReplacesEveryTargetAndList(
                AgentBench.withAllowLists(50, 7, false), AgentBench.withAllowLists(50, 7, true));

        NatState ranges = AgentBench.portRanges(false);
        assertEquals(2048, ranges.forwards().size());
        assertEquals(
                129_024,
                ranges.forwards().values().stream()
                        .mapToInt(f -> f.listen().size())
                        .sum());
        assertEquals(
                2048,
                ranges.forwards().values().stream()
                        .map(Forward::allow)
                        .distinct()
                        .count());
        NatState changed = AgentBench.portRanges(true);
        assertReplacesEveryTargetAndList(ranges, changed);
        // Valid, so the harness measures an apply, not a refusal.
        Validator validator = new Validator(Set::of);
        validator.check(NatState.empty(), ranges, false);
        validator.check(ranges, changed, false);

        Path json = dir.resolve("ranges.json");
        AgentBench.main(new String[] {"export-ranges", "json", json.toString(), "changed"});
        assertEquals(
                changed.forwards(),
                ModelJson.read(Files.readString(json), NatState.class).forwards());
    }

    private static void assertReplacesEveryTargetAndList(NatState before, NatState after) {
        assertEquals(before.forwards().size(), after.forwards().size());
        for (Forward was : before.forwards().values()) {
            Forward now = after.forwards().get(was.name());
            assertEquals(was.listen(), now.listen());
            for (int port = 0; port < was.targets().size(); port++) {
                assertNotEquals(was.targets().get(port), now.targets().get(port), now.name());
            }
            assertNotEquals(was.allow(), now.allow(), now.name());
        }
    }

    @Test
    @Tag(KernelTests.TAG)
    void inProcessAndOverTheSocketEveryFigureIsPrinted() throws Exception {
        KernelTests.requireKernel();
        String inProcess;
        try (Netns netns = Netns.create()) {
            inProcess = Printed.by(() -> netns.call(() -> {
                AgentBench.main(new String[] {"inproc", "100", "2", "2"});
                return null;
            }));
        }
        assertFigures(
                inProcess,
                List.of(
                        "inproc.cold",
                        "inproc.cold.cpu",
                        "inproc.cold.kernel",
                        "inproc.kernel.add",
                        "inproc.kernel.remove",
                        "inproc.ack.add",
                        "inproc.ack.remove"));

        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(Files.createDirectories(dir.resolve("agent")))) {
            String socket = agent.socket().toString();
            String overSocket = Printed.by(() -> AgentBench.main(new String[] {"api", socket, "100", "2", "2"}));
            assertFigures(overSocket, List.of("api.cold", "api.add", "api.remove"));

            for (String kind : List.of("status", "list", "metrics-json", "metrics-prometheus", "export-nft", "2")) {
                assertEquals("", Printed.by(() -> RssWorkload.main(new String[] {socket, kind})), kind);
            }
            assertEquals(
                    100, agent.call("forward.list", "{}").at("/result/forwards").size(), "forwards after the workload");
        }
    }

    /** Exactly these {@code key median min max} lines, in this order. */
    private static void assertFigures(String printed, List<String> keys) {
        List<String> lines = printed.lines().toList();
        assertEquals(keys.size(), lines.size(), printed);
        for (int i = 0; i < keys.size(); i++) {
            Pattern figure = Pattern.compile(Pattern.quote(keys.get(i)) + "( \\d+\\.\\d{3}){3}");
            assertTrue(figure.matcher(lines.get(i)).matches(), "line " + i + ": " + lines.get(i));
        }
    }
}
