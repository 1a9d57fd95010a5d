package dev.natagent.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.KernelTests;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health probes of targets that never answer must not hold up drift healing: the real daemon with
 * 64 forwards to addresses nobody owns (each probe waits out its connect timeout) still restores
 * its table within a second of a foreign {@code nft flush ruleset}.
 */
@Tag(KernelTests.TAG)
class DriftWithDeadTargetsEndToEndTest {
    private static final int DEAD_TARGETS = 64;
    private static final long HEAL_LIMIT_MILLIS = 1_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final LabPerTest lab = new LabPerTest(() -> dir);

    @Test
    void aForeignFlushIsRepairedWhileProbesOfDeadTargetsAreRunning() throws Exception {
        StringJoiner targets = new StringJoiner(",");
        for (int i = 0; i < DEAD_TARGETS; i++) {
            targets.add("10.0.1." + (100 + i) + ":6379");
        }
        // Seeded from the config file, so the start-up probe round meets 64 silent targets at once.
        AgentDaemon agent = lab.get()
                .agent("{\"forwards\":[{\"name\":\"dead\",\"listen\":\"20000-"
                        + (20000 + DEAD_TARGETS - 1) + "\",\"to\":[\""
                        + targets.toString().replace(",", "\",\"")
                        + "\"]}]}")
                .start();
        String table = lab.get().kernelTable();
        Thread.sleep(300); // the start-up probe round is under way

        long flushed = System.nanoTime();
        lab.get().nat.execOk("nft", "flush", "ruleset");
        long healMillis = -1;
        while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - flushed) < 20_000) {
            if (lab.get().nat.exec("nft", "list", "table", "ip", "nat_agent").ok()
                    && lab.get()
                            .nat
                            .execOk("nft", "list", "map", "ip", "nat_agent", "forwards")
                            .contains("20063")) {
                healMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - flushed);
                break;
            }
            Thread.sleep(20);
        }
        System.out.printf(
                "FIGURE drift-heal with %d dead targets being probed: restored after %d ms%n",
                DEAD_TARGETS, healMillis);
        assertTrue(healMillis >= 0, "never restored; table was:\n" + table);
        assertTrue(healMillis <= HEAL_LIMIT_MILLIS, "restored only after " + healMillis + " ms");
        agent.terminate();
    }
}
