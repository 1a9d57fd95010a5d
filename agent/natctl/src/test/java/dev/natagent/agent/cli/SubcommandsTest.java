package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.testing.CliResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Lazy registration must never lose a command from help, completion or the parser. */
class SubcommandsTest {
    /** The command tree of the natctl contract (docs/admin-api.md), written out independently of the table. */
    private static final Map<String, List<String>> CONTRACT = Map.of(
            "",
                    List.of(
                            "status",
                            "forward",
                            "outbound",
                            "cluster",
                            "apply",
                            "export",
                            "metrics",
                            "doctor",
                            "ha-check",
                            "completion"),
            "forward", List.of("add", "set", "remove", "list", "get"),
            "outbound", List.of("add", "remove", "list"),
            "cluster", List.of("add", "remove", "list", "get", "refresh", "map"));

    private static List<String> allPaths() {
        List<String> paths = new ArrayList<>();
        for (String top : CONTRACT.get("")) {
            paths.add(top);
            for (String child : CONTRACT.getOrDefault(top, List.of())) {
                paths.add(top + " " + child);
            }
        }
        return paths;
    }

    /** The names under "Commands:" in a usage message. */
    private static List<String> listedCommands(String usage) {
        List<String> names = new ArrayList<>();
        boolean inCommands = false;
        for (String line : usage.split("\n")) {
            if (line.equals("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.startsWith("  ") && !line.startsWith("   ")) {
                names.add(line.trim().split("\\s+")[0]);
            } else if (inCommands && !line.startsWith(" ")) {
                inCommands = false;
            }
        }
        return names;
    }

    @Test
    void topLevelHelpListsEveryCommand() {
        CliResult help = CliResult.natctl("--help");
        assertEquals(0, help.exitCode(), help.err());
        assertEquals(CONTRACT.get(""), listedCommands(help.out()));
    }

    @Test
    void everyCommandHasHelpAndGroupsListEveryChild() {
        for (String path : allPaths()) {
            List<String> args = new ArrayList<>(Arrays.asList(path.split(" ")));
            args.add("--help");
            CliResult help = CliResult.natctl(args.toArray(String[]::new));
            assertEquals(0, help.exitCode(), path + ": " + help.err());
            assertTrue(help.out().startsWith("Usage: natctl " + path + " "), help.out());
            assertEquals(CONTRACT.getOrDefault(path, List.of()), listedCommands(help.out()), path);
        }
    }

    @Test
    void completionCoversEveryCommand() {
        CliResult completion = CliResult.natctl("completion");
        assertEquals(0, completion.exitCode(), completion.err());
        for (String path : allPaths()) {
            // picocli drops the hyphens of a command's name from its function's name.
            String function =
                    "function _picocli_natctl_" + path.replace(' ', '_').replace("-", "") + "()";
            assertTrue(completion.out().contains(function), "completion for " + path);
        }
    }

    /** Every command of the tree has a spec, and a fresh one each time: it holds the values parsed into it. */
    @Test
    void everyCommandOfTheTreeBuildsAFreshSpec() {
        List<String> paths = new ArrayList<>();
        for (Subcommands.Node node : Subcommands.TREE) {
            paths.add(node.name());
            for (Subcommands.Node child : node.children()) {
                paths.add(node.name() + " " + child.name());
            }
        }
        assertEquals(allPaths(), paths);
        for (String path : paths) {
            assertNotSame(Subcommands.spec(path), Subcommands.spec(path), path);
        }
    }

    @Test
    void aRunBuildsOnlyTheCommandsItsArgumentsName() {
        CommandLine root = commandLine("--socket", "/tmp/x.sock", "forward", "get", "web");
        assertEquals(List.of("forward"), List.copyOf(root.getSubcommands().keySet()));
        assertEquals(
                List.of("get"),
                List.copyOf(
                        root.getSubcommands().get("forward").getSubcommands().keySet()));
    }

    @Test
    void argumentsThatNameNoCommandBuildTheWholeTreeForSuggestions() {
        CommandLine root = commandLine("forwrd", "lst");
        assertEquals(CONTRACT.get(""), List.copyOf(root.getSubcommands().keySet()));
        CliResult typo = CliResult.natctl("forward", "lst");
        assertEquals(ExitCode.USAGE, typo.exitCode());
        assertTrue(typo.err().contains("'lst'"), typo.err());
    }

    private static CommandLine commandLine(String... args) {
        PrintWriter sink = new PrintWriter(new StringWriter());
        return Natctl.commandLine(args, sink, sink, Terminal.PLAIN);
    }
}
