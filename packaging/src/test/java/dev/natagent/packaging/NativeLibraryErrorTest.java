package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When JNR cannot unpack and map its native stub (a noexec /tmp on a hardened host), the daemon
 * says so in one line and exits 1, instead of dying with a JVM stack trace.
 */
@Tag("packaging")
@Tag(KernelTests.TAG)
class NativeLibraryErrorTest {
    @TempDir
    Path dir;

    @Test
    void unloadableNativeStubIsAClearStartupError() throws Exception {
        // In a namespace of its own: should the stub load after all, the daemon that then starts
        // must not touch the host's ruleset and sysctls.
        KernelTests.requireKernel();
        try (Netns netns = Netns.create()) {
            unloadableNativeStubIsAClearStartupError(netns);
        }
    }

    private void unloadableNativeStubIsAClearStartupError(Netns netns) throws Exception {
        // No stub where the launcher points jffi (/proc holds none: as with a missing file or one
        // of another architecture), so JNR unpacks it; /proc takes no files: java.io.tmpdir,
        // jffi.extract.dir and the working directory (JNR's last resort) all fail, as /tmp
        // (noexec) and / (read-only) do under a hardened unit.
        Project.Result run = Project.run(
                Map.of(
                        "NAT_AGENT_JAVA_OPTS",
                        "-Djffi.boot.library.path=/proc -Djava.io.tmpdir=/proc -Djffi.extract.dir=/proc"),
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        netns.name(),
                        "sh",
                        "-c",
                        "cd /proc && exec \"$0\" \"$@\"",
                        Project.path("packaging/bin/nat-agent").toString(),
                        "--config",
                        dir.resolve("absent.json").toString(),
                        "--state-dir",
                        dir.resolve("state").toString(),
                        "--socket",
                        dir.resolve("admin.sock").toString(),
                        "--admin-group",
                        "root"));
        assertEquals(1, run.exitCode(), run::describe);
        assertTrue(
                run.stderr().contains("could not load JNR's native library (libjffi)")
                        && run.stderr().contains("not mounted noexec"),
                run::describe);
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.describe());
    }
}
