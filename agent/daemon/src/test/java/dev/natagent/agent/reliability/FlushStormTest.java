package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.KernelTests;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another process flushing the ruleset over and over (a boot script in a loop, say) while the
 * real daemon heals each flush: a flush landing in the middle of the agent's own listing of its
 * table (a dump that finds the table gone, ENOENT) is a change to look at again, not an error.
 * The storm is bounded: {@link #FLUSHES} rounds of a change to the agent's table (which makes it
 * list the table) followed shortly by {@code nft flush ruleset}.
 */
@Tag(KernelTests.TAG)
class FlushStormTest {
    private static final int FORWARDS = 3_000;
    private static final int FLUSHES = 100;

    @TempDir
    Path dir;

    @Test
    void aFlushStormIsHealedWithoutErrors() throws Exception {
        KernelTests.requireKernel();
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            StringBuilder forwards = new StringBuilder();
            for (int i = 0; i < FORWARDS; i++) {
                forwards.append(i == 0 ? "" : ",")
                        .append("{\"name\":\"f")
                        .append(i)
                        .append("\",\"listen\":\"")
                        .append(10_000 + i)
                        .append("\",\"to\":[\"10.0.1.")
                        .append(1 + i % 250)
                        .append(":6379\"]}");
            }
            assertTrue(agent.call("apply", "{\"state\":{\"forwards\":[" + forwards + "]}}")
                    .path("ok")
                    .asBoolean());
            agent.netns()
                    .execOk(
                            "sh",
                            "-c",
                            // A change to the table makes the agent list it; the flush lands while it does.
                            "i=0; while [ $i -lt " + FLUSHES + " ]; do nft add chain ip nat_agent storm 2>/dev/null;"
                                    + " sleep 0.02; nft flush ruleset; sleep 0.05; i=$((i+1)); done");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!agent.table().contains("tcp . " + (10_000 + FORWARDS - 1)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1_000);
            String log = agent.log();
            System.out.println("FLUSH STORM: " + FLUSHES + " flushes; drift repairs logged: "
                    + log.lines().filter(l -> l.contains("repaired")).count());
            assertTrue(agent.table().contains("tcp . " + (10_000 + FORWARDS - 1)), "healed after the storm");
            assertFalse(log.contains("drift check failed"), log);
            assertFalse(log.contains("<3>ERROR"), log);
        }
    }
}
