package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.testing.CliResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/natctl.md against natctl itself: every command of the tree is in its synopsis, every
 * command there exists, and every option it shows for a command is one that command's --help
 * lists (a renamed or dropped option fails here before a reader trips on it).
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

    /** The first code block after "## Commands". */
    private static List<String> synopsis() throws IOException {
        Path doc = Path.of(System.getProperty("user.dir"))
                .getParent()
                .resolve("docs")
                .resolve("natctl.md");
        List<String> all = Files.readAllLines(doc);
        int start = all.indexOf("## Commands");
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
