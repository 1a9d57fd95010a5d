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
 * The committed AppCDS class lists (packaging/cds/nat-agent.classlist and natctl.classlist)
 * against the current build: each must name its program's path, and no class of ours that has
 * been renamed or removed since it was recorded. A failure here means: run {@code sudo
 * packaging/cds/update-classlist.sh} and commit.
 */
@Tag("packaging")
class ClassListTest {
    private static final String UPDATE = "; re-record it with sudo packaging/cds/update-classlist.sh";

    private static List<String> listedClasses(String program) throws Exception {
        return Files.readAllLines(Project.path("packaging/cds/" + program + ".classlist")).stream()
                .filter(line -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("@"))
                .toList();
    }

    /** The classes of the jars on a class path. */
    private static Set<String> builtClasses(List<Path> classPath) throws Exception {
        Set<String> classes = new HashSet<>();
        for (Path jar : classPath) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                zip.stream()
                        .map(entry -> entry.getName())
                        .filter(name -> name.endsWith(".class"))
                        .forEach(name -> classes.add(name.substring(0, name.length() - ".class".length())));
            }
        }
        return classes;
    }

    private static void assertNamesOnlyClassesOfOursThatExist(String program, List<Path> classPath) throws Exception {
        Set<String> built = builtClasses(classPath);
        List<String> gone = listedClasses(program).stream()
                .filter(name -> name.startsWith("dev/natagent/") || name.startsWith("picocli/"))
                .filter(name -> !built.contains(name))
                .toList();
        assertEquals(List.of(), gone, "classes in " + program + ".classlist that the build no longer has" + UPDATE);
    }

    private static void assertCovers(String program, List<String> names) throws Exception {
        List<String> listed = listedClasses(program);
        for (String name : names) {
            assertTrue(listed.contains(name), name + " is not in " + program + ".classlist" + UPDATE);
        }
    }

    @Test
    void namesOnlyClassesOfOursThatExist() throws Exception {
        assertNamesOnlyClassesOfOursThatExist("nat-agent", BuildOutput.daemonClassPath());
        assertNamesOnlyClassesOfOursThatExist("natctl", BuildOutput.natctlClassPath());
    }

    @Test
    void coversTheStartPathUntilTheKernelMatches() throws Exception {
        assertCovers(
                "nat-agent",
                List.of(
                        "dev/natagent/agent/daemon/Main",
                        "dev/natagent/agent/daemon/Daemon",
                        "dev/natagent/agent/store/StateStore",
                        "dev/natagent/agent/reconcile/Reconciler",
                        "dev/natagent/nft/client/NftClient",
                        "dev/natagent/agent/api/AdminServer",
                        "dev/natagent/agent/model/JsonIn",
                        "dev/natagent/agent/model/JsonWriting",
                        "jnr/ffi/LibraryLoader"));
    }

    /** Everything natctl loads after the connect, which a run without an agent would never see. */
    @Test
    void coversNatctlsCallsThroughTheirReplies() throws Exception {
        assertCovers(
                "natctl",
                List.of(
                        "dev/natagent/agent/cli/Natctl",
                        "dev/natagent/agent/cli/StatusCommand",
                        "dev/natagent/agent/cli/ForwardAddCommand",
                        "dev/natagent/agent/cli/AdminClient$Session",
                        "dev/natagent/agent/cli/TextTable",
                        "dev/natagent/agent/protocol/StatusView",
                        "jdk/net/ExtendedSocketOptions",
                        "picocli/CommandLine"));
    }

    @Test
    void daemonNamesNothingOfTheCli() throws Exception {
        List<String> cli = listedClasses("nat-agent").stream()
                .filter(name -> name.startsWith("picocli/") || name.startsWith("dev/natagent/agent/cli/"))
                .toList();
        assertEquals(List.of(), cli, "the daemon does not load the CLI or picocli" + UPDATE);
    }

    /** The daemon reads and writes JSON with jackson-core alone: databind's classes cost it memory at idle. */
    @Test
    void daemonNamesNothingOfJacksonDatabind() throws Exception {
        List<String> databind = listedClasses("nat-agent").stream()
                .filter(name -> name.startsWith("com/fasterxml/jackson/databind/"))
                .toList();
        assertEquals(List.of(), databind, "the daemon does not load jackson-databind" + UPDATE);
    }

    @Test
    void natctlNamesNothingOfTheDaemon() throws Exception {
        List<String> daemon = listedClasses("natctl").stream()
                .filter(name -> (name.startsWith("dev/natagent/")
                                && !name.startsWith("dev/natagent/agent/cli/")
                                && !name.startsWith("dev/natagent/agent/protocol/")
                                && !name.startsWith("dev/natagent/agent/model/"))
                        || name.startsWith("jnr/")
                        || name.startsWith("com/codahale/"))
                .toList();
        assertEquals(List.of(), daemon, "natctl loads only the CLI, the protocol and the model" + UPDATE);
    }
}
