package dev.natagent.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a process that is appending (and compacting) at random moments; after each kill the
 * state must load, be exactly the state of one revision, and be no older than the last
 * acknowledged one (the one in flight may or may not have landed). Each kill costs a JVM start,
 * so the default is small: {@code -Dnatagent.crash.kills=200} for the long run.
 */
class CrashSafetyTest {
    private static final int KILLS = Integer.getInteger("natagent.crash.kills", 3);

    @TempDir
    Path dir;

    @Test
    void sigkillDuringAppendsLosesNoAcknowledgedChange() throws Exception {
        Random random = new Random(Long.getLong("natagent.crash.seed", 11L));
        String java = ProcessHandle.current().info().command().orElse("java");
        Path stateDir = dir.resolve("state");
        long lastAcknowledged = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process probe = new ProcessBuilder(
                            java,
                            "-Xshare:auto",
                            "-cp",
                            System.getProperty("java.class.path"),
                            CrashProbe.class.getName(),
                            stateDir.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            int acksBeforeKill = 1 + random.nextInt(100);
            long seen = 0;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        seen++;
                        lastAcknowledged = Long.parseLong(line.substring(4));
                        if (seen == acksBeforeKill) {
                            // SIGKILL through the handle: Process.destroy would also close the pipe, and
                            // ACKs already written to it must still be read.
                            probe.toHandle().destroyForcibly();
                        }
                    }
                }
            } finally {
                probe.destroyForcibly();
                assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "probe did not end");
            }
            assertTrue(seen > 0, "probe acknowledged nothing (exit " + probe.exitValue() + ")");
            try (StateStore store = StateStore.open(stateDir)) {
                long revision = store.revision();
                assertTrue(
                        revision == lastAcknowledged || revision == lastAcknowledged + 1,
                        "after kill " + kill + ": revision " + revision + ", last acknowledged " + lastAcknowledged);
                assertEquals(CrashProbe.stateAt(revision), store.state(), "after kill " + kill);
                lastAcknowledged = revision;
            }
        }
        System.out.println(KILLS + " SIGKILLs, last revision " + lastAcknowledged + ": no acknowledged change lost");
    }
}
