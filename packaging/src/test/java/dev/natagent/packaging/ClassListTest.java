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

    /** The classes of the daemon's jar and of the jars its class path lists (nat-agent.jars). */
    private static Set<String> builtClasses() throws Exception {
        Set<String> classes = new HashSet<>();
        for (Path jar : BuildOutput.daemonClassPath()) {
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
                "jnr/ffi/LibraryLoader")) {
            assertTrue(listed.contains(name), name + " is not in the class list" + UPDATE);
        }
    }

    @Test
    void namesNothingOfTheCli() throws Exception {
        List<String> cli = listedClasses().stream()
                .filter(name -> name.startsWith("picocli/") || name.startsWith("dev/natagent/agent/cli/"))
                .toList();
        assertEquals(List.of(), cli, "the daemon does not load the CLI or picocli" + UPDATE);
    }
}
