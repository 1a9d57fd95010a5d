package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The committed AppCDS class list (packaging/cds/nat-agent.classlist) against the current build:
 * it must name our start path, and no class of ours that has been renamed or removed since it was
 * recorded. A failure here means: run {@code sudo packaging/cds/update-classlist.sh} and commit.
 */
@Tag("packaging")
class ClassListTest {
    private static final String UPDATE = "; re-record it with sudo packaging/cds/update-classlist.sh";

    private static List<String> listedClasses() throws Exception {
        return Files.readAllLines(Project.path("packaging/cds/nat-agent.classlist")).stream()
                .filter(line -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("@"))
                .toList();
    }

    private static Set<String> builtClasses() throws Exception {
        Path target = Project.path("agent/target");
        Path agentJar = target.resolve("nat-agent-0.1.0.jar");
        Path nativeJar = target.resolve("lib/nat-agent-native-0.1.0.jar");
        if (!Files.isRegularFile(agentJar) || !Files.isRegularFile(nativeJar)) {
            Project.missing("build output missing: run 'mvn -B -ntp package' first");
        }
        Set<String> classes = new HashSet<>();
        for (Path jar : List.of(agentJar, nativeJar)) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                zip.stream()
                        .map(entry -> entry.getName())
                        .filter(name -> name.endsWith(".class"))
                        .forEach(name -> classes.add(name.substring(0, name.length() - ".class".length())));
            }
        }
        return classes;
    }

    @Test
    void namesOnlyClassesOfOursThatExist() throws Exception {
        Set<String> built = builtClasses();
        List<String> gone = listedClasses().stream()
                .filter(name -> name.startsWith("dev/natagent/"))
                .filter(name -> !built.contains(name))
                .toList();
        assertEquals(List.of(), gone, "classes in the list that the build no longer has" + UPDATE);
    }

    @Test
    void coversTheStartPathUntilTheKernelMatches() throws Exception {
        List<String> listed = listedClasses();
        for (String name : List.of(
                "dev/natagent/agent/daemon/Main",
                "dev/natagent/agent/daemon/Daemon",
                "dev/natagent/agent/store/StateStore",
                "dev/natagent/agent/reconcile/Reconciler",
                "dev/natagent/nft/client/NftClient",
                "dev/natagent/agent/api/AdminServer",
                "com/fasterxml/jackson/databind/ObjectMapper",
                "jnr/ffi/LibraryLoader",
                "picocli/CommandLine")) {
            assertTrue(listed.contains(name), name + " is not in the class list" + UPDATE);
        }
    }
}
