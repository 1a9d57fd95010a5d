package dev.natagent.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk during writes: a 64 KiB tmpfs mounted ONLY inside a private mount namespace of a
 * child process ({@code unshare --mount}), which disappears with the child; the host's mount
 * table is never touched. Needs root; skips without it, fails instead of skipping when CI=true.
 */
@Tag("root")
class FullDiskTest {
    /** The shell's exit code when the namespace or mount cannot be made here. */
    private static final int CANNOT_MOUNT = 77;

    @TempDir
    Path dir;

    @Test
    void fullDiskIsAClearErrorAndLeavesTheStateLoadable() throws Exception {
        requireRoot();
        Path mountPoint = Files.createDirectory(dir.resolve("tmpfs"));
        String java = ProcessHandle.current().info().command().orElse("java");
        String script = "mount -t tmpfs -o size=64k,mode=0700 nat-agent-fulldisk \"$1\" || exit " + CANNOT_MOUNT
                + "; exec \"$2\" -Xshare:auto -cp \"$3\" " + FullDiskProbe.class.getName() + " \"$1\"";
        Process process = new ProcessBuilder(
                        "unshare",
                        "--mount",
                        "--propagation",
                        "private",
                        "sh",
                        "-c",
                        script,
                        "sh",
                        mountPoint.toString(),
                        java,
                        System.getProperty("java.class.path"))
                .redirectErrorStream(true)
                .start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
            fail("the full-disk probe did not finish in 120 s:\n" + output);
        }
        if (process.exitValue() == CANNOT_MOUNT) {
            skipOrFail("cannot mount a tmpfs in a private mount namespace here:\n" + output);
        }
        System.out.print(output);
        assertEquals(0, process.exitValue(), output);
        assertEquals(3, output.lines().filter(l -> l.startsWith("OK ")).count(), output);
        assertTrue(
                Files.list(mountPoint).findAny().isEmpty(),
                "the tmpfs must not be visible outside the child's namespace");
    }

    private static void requireRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder(List.of("id", "-u")).start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        id.waitFor();
        if (!uid.equals("0")) {
            skipOrFail("needs root for unshare --mount (uid is " + uid + ")");
        }
    }

    private static void skipOrFail(String why) {
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true: " + why);
        }
        assumeTrue(false, why);
    }
}
