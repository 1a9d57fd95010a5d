package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.AdminServer;
import dev.natagent.agent.api.FakeOperations;
import dev.natagent.agent.api.TestSockets;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.ProjectTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/natctl.md against natctl itself: every command of the tree is in its synopsis, every
 * command there exists, and every option it shows for a command is one that command's --help
 * lists (a renamed or dropped option fails here before a reader trips on it); the error objects
 * of --json have exactly the keys it shows.
 */
class NatctlDocsTest {
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--?[a-zA-Z][a-z-]*)");
    private static final Set<String> GLOBAL = Set.of("--socket", "--json", "--timeout", "-V", "--version");

    @Test
    void theSynopsisMatchesTheCommands() throws IOException {
        List<String> lines = synopsis();
        Set<String> documented = new LinkedHashSet<>();
        String command = null;
        for (String line : lines) {
            if (line.startsWith("natctl ")) {
                command = path(line);
                documented.add(command);
                CliResult help = CliResult.natctl(args(command + " --help"));
                assertEquals(0, help.exitCode(), "natctl " + command + ": " + help.err());
            }
            CliResult help = CliResult.natctl(args(command + " --help"));
            Matcher option = OPTION.matcher(line.replaceAll("\\(.*\\)", ""));
            while (option.find()) {
                String name = option.group(1);
                assertTrue(
                        GLOBAL.contains(name) || help.out().contains(name),
                        "docs/natctl.md shows " + name + " for natctl " + command + ", its --help does not:\n"
                                + help.out());
            }
        }
        List<String> tree = new ArrayList<>();
        for (Subcommands.Node node : Subcommands.TREE) {
            if (node.children().isEmpty()) {
                tree.add(node.name());
            }
            for (Subcommands.Node child : node.children()) {
                tree.add(node.name() + " " + child.name());
            }
        }
        assertEquals(tree, List.copyOf(documented), "every command, in help order");
    }

    /**
     * Each documented error object, in order, against what natctl prints under --json for such a
     * failure: the same code, the same keys (a key added, renamed or dropped fails here).
     */
    @Test
    void theJsonErrorObjectsAreTheDocumentedOnes(@TempDir Path dir) throws IOException {
        List<String> documented = block("## Errors under --json");
        try (AdminServer server = TestSockets.start(dir, new FakeOperations())) {
            Path socket = server.socketPath();
            Path bad = Files.writeString(
                    dir.resolve("a.json"),
                    "{\"forwards\": [{\"name\": \"a\", \"listen\": \"1\", \"to\": [\"10.0.1.1:1\"],"
                            + " \"snat\": \"maskerade\"}]}\n");
            Path malformed = Files.writeString(dir.resolve("b.json"), "{\"forwards\": [}\n");
            List<CliResult> actual = List.of(
                    CliResult.natctl(socket, "--json", "forward", "get", "cache"),
                    CliResult.natctl(socket, "--json", "apply", bad.toString()),
                    CliResult.natctl(socket, "--json", "froward", "list"),
                    CliResult.natctl(socket, "--json", "apply", malformed.toString()),
                    CliResult.natctl(
                            "--json", "--socket", dir.resolve("none.sock").toString(), "status"));
            assertEquals(documented.size(), actual.size(), "a case per documented object: " + documented);
            for (int i = 0; i < documented.size(); i++) {
                JsonNode expected = TestJson.mapper().readTree(documented.get(i));
                CliResult result = actual.get(i);
                assertEquals(1, result.out().lines().count(), "one line: " + result);
                JsonNode printed = TestJson.mapper().readTree(result.out());
                assertEquals(expected.get("code"), printed.get("code"), result.toString());
                assertEquals(keys(expected), keys(printed), documented.get(i) + " vs " + result.out());
            }
        }
    }

    private static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            keys.add(names.next());
        }
        return keys.stream().sorted().toList();
    }

    /** The first code block after "## Commands". */
    private static List<String> synopsis() throws IOException {
        return block("## Commands");
    }

    /** The first code block after {@code heading}. */
    private static List<String> block(String heading) throws IOException {
        Path doc = ProjectTree.path("docs/natctl.md");
        List<String> all = Files.readAllLines(doc);
        int start = all.indexOf(heading);
        int open = all.subList(start, all.size()).indexOf("```") + start;
        int close = all.subList(open + 1, all.size()).indexOf("```") + open + 1;
        return all.subList(open + 1, close);
    }

    /** "natctl forward add NAME --listen ..." -> "forward add". */
    private static String path(String line) {
        List<String> words = new ArrayList<>();
        for (String word : line.substring("natctl ".length()).trim().split(" +")) {
            if (!word.matches("[a-z][a-z-]*")) {
                break;
            }
            words.add(word);
        }
        return String.join(" ", words);
    }

    private static String[] args(String text) {
        return text.trim().split(" +");
    }
}
