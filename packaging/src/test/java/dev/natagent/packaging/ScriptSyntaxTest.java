package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every shipped script parses, and the launchers (installed as /bin/sh scripts) parse under
 * dash, the strictest common POSIX shell, so no bash-only syntax slips into them.
 */
@Tag("packaging")
class ScriptSyntaxTest {
    private static final List<String> POSIX_SCRIPTS =
            List.of("packaging/bin/nat-agent", "packaging/bin/natctl", "packaging/bin/nat-agent-env.sh");
    private static final List<String> BASH_SCRIPTS = List.of(
            "packaging/boot-test.sh",
            "packaging/build-rpm.sh",
            "packaging/copy-jars.sh",
            "packaging/check-unit.sh",
            "packaging/test-restricted.sh",
            "packaging/cds/update-classlist.sh",
            "bench/agent-bench.sh",
            "bench/agent-rss.sh",
            "bench/ha-bench.sh",
            "bench/native-bench.sh",
            "bench/natctl-bench.sh",
            "bench/start-bench.sh",
            "demo/run.sh",
            "demo/cluster-part.sh");
    /** Sourced by the scripts above, not run. */
    private static final List<String> SOURCED_BASH_SCRIPTS = List.of("bench/lib.sh");

    @Test
    void launchersArePosixShell() throws Exception {
        Project.requireTools("dash");
        for (String script : POSIX_SCRIPTS) {
            assertParses("dash", script);
            if (!script.endsWith(".sh")) {
                assertTrue(Files.readString(Project.path(script)).startsWith("#!/bin/sh\n"), script);
            }
        }
    }

    @Test
    void bashScriptsParse() throws Exception {
        for (String script : BASH_SCRIPTS) {
            assertParses("bash", script);
            assertTrue(Files.isExecutable(Project.path(script)), script + " is executable");
        }
        for (String script : SOURCED_BASH_SCRIPTS) {
            assertParses("bash", script);
        }
    }

    private static void assertParses(String shell, String script) throws Exception {
        Project.Result result =
                Project.run(List.of(shell, "-n", Project.path(script).toString()));
        assertEquals(0, result.exitCode(), result::describe);
    }
}
