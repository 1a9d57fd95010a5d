package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What each program runs with, from the real build output: natctl shares only the protocol module
 * (and Jackson) with the daemon, the daemon carries nothing of the CLI.
 */
@Tag("packaging")
class JarSetTest {
    private static List<String> entries(Path jar) throws Exception {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(entry -> entry.getName()).toList();
        }
    }

    private static String withoutVersion(String jar) {
        return jar.replaceFirst("-[0-9][^-]*\\.jar$", "");
    }

    @Test
    void natctlRunsWithTheProtocolAndJacksonOnly() throws Exception {
        List<String> names = BuildOutput.natctlDependencies().stream()
                .map(JarSetTest::withoutVersion)
                .sorted()
                .toList();
        assertEquals(
                List.of("jackson-annotations", "jackson-core", "jackson-databind", "nat-agent-protocol"),
                names,
                "natctl.jars");
    }

    @Test
    void natctlsJarHoldsTheCliAndPicocliOnly() throws Exception {
        List<String> foreign = entries(BuildOutput.natctlJar()).stream()
                .filter(name -> name.endsWith(".class"))
                .filter(name -> !name.startsWith("dev/natagent/agent/cli/") && !name.startsWith("picocli/"))
                .toList();
        assertEquals(List.of(), foreign, "classes in natctl's jar that are not the CLI's");
    }

    @Test
    void neitherProgramCarriesTheBenchmarksOrTestClasses() throws Exception {
        List<String> jars = new ArrayList<>(BuildOutput.daemonDependencies());
        jars.addAll(BuildOutput.natctlDependencies());
        assertEquals(
                List.of(),
                jars.stream()
                        .filter(jar -> jar.startsWith("nat-agent-bench") || jar.endsWith("-tests.jar"))
                        .toList(),
                "benchmark or test jars in nat-agent.jars or natctl.jars");
    }

    @Test
    void theDaemonCarriesNothingOfTheCli() throws Exception {
        List<String> cli = entries(BuildOutput.daemonJar()).stream()
                .filter(name -> name.startsWith("dev/natagent/agent/cli/") || name.startsWith("picocli/"))
                .toList();
        assertEquals(List.of(), cli, "CLI classes in the daemon's jar");
        assertTrue(
                BuildOutput.daemonDependencies().stream()
                        .noneMatch(jar -> jar.startsWith("picocli") || jar.startsWith("nat-agent-natctl")),
                "nat-agent.jars: " + BuildOutput.daemonDependencies());
    }
}
