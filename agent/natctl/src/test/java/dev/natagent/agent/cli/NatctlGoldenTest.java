package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.natagent.agent.testing.CliResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * natctl's help, completion script and usage errors, byte for byte against golden/ in the test
 * resources, at 80 columns. Scripts and operators rely on these texts and exit codes; a change
 * here must be deliberate.
 */
class NatctlGoldenTest {
    private static final List<String> COMMANDS = List.of(
            "",
            "status",
            "forward",
            "forward add",
            "forward set",
            "forward remove",
            "forward list",
            "forward get",
            "outbound",
            "outbound add",
            "outbound remove",
            "outbound list",
            "cluster",
            "cluster add",
            "cluster remove",
            "cluster list",
            "cluster get",
            "cluster refresh",
            "cluster map",
            "apply",
            "export",
            "metrics",
            "doctor",
            "ha-check",
            "completion");

    @BeforeEach
    void defaultSocket() {
        // The captures show the documented default socket, which $NATCTL_SOCKET would replace.
        assumeTrue(System.getenv("NATCTL_SOCKET") == null, "NATCTL_SOCKET is set");
    }

    @TestFactory
    List<DynamicTest> helpOfEveryCommand() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String command : COMMANDS) {
            String file = "help/" + (command.isEmpty() ? "natctl" : command.replace(' ', '-')) + ".txt";
            tests.add(DynamicTest.dynamicTest("natctl " + command + " --help", () -> {
                List<String> args = new ArrayList<>(words(command));
                args.add("--help");
                CliResult help = CliResult.natctl(args.toArray(String[]::new));
                assertOutput(0, golden(file), "", help);
                assertTrue(help.out().contains("\nExamples:\n  natctl "), "examples in every --help");
                assertEquals(
                        command.isEmpty(),
                        help.out().contains("--timeout=SECONDS"),
                        "global options are listed once, in natctl --help");
                for (String line : help.out().split("\n")) {
                    assertTrue(line.length() <= 80, "fits 80 columns: " + line);
                }
            }));
        }
        return tests;
    }

    @Test
    void shortHelpOptionOfASubcommand() {
        assertOutput(0, golden("help/forward-add.txt"), "", CliResult.natctl("forward", "add", "-h"));
    }

    @Test
    void completionScript() {
        assertOutput(0, golden("completion.bash"), "", CliResult.natctl("completion"));
    }

    @Test
    void versionOnlyOnTheRoot() {
        assertOutput(0, "natctl 0.1.0\n", "", CliResult.natctl("--version"));
        assertOutput(0, "natctl 0.1.0\n", "", CliResult.natctl("-V"));
        CliResult subcommand = CliResult.natctl("status", "-V");
        assertEquals(ExitCode.USAGE, subcommand.exitCode(), "a subcommand has no version of its own");
        assertTrue(subcommand.err().startsWith("natctl: unknown option '-V'"), subcommand.err());
    }

    /** Blocks of "$ natctl ARGS", "exit N" and the exact stderr, separated by blank lines. */
    @TestFactory
    List<DynamicTest> usageErrors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String block : golden("usage-errors.txt").split("\n\n")) {
            List<String> lines = new ArrayList<>();
            for (String line : block.split("\n")) {
                if (!line.startsWith("#")) {
                    lines.add(line);
                }
            }
            if (lines.isEmpty()) {
                continue;
            }
            String commandLine = lines.get(0).substring("$ ".length());
            int exitCode = Integer.parseInt(lines.get(1).substring("exit ".length()));
            String stderr = String.join("\n", lines.subList(2, lines.size())) + "\n";
            List<String> args = words(commandLine.substring("natctl".length()).trim());
            tests.add(DynamicTest.dynamicTest(
                    commandLine,
                    () -> assertOutput(exitCode, "", stderr, CliResult.natctl(args.toArray(String[]::new)))));
        }
        assertEquals(36, tests.size(), "usage-error cases in the golden file");
        return tests;
    }

    private static void assertOutput(int exitCode, String out, String err, CliResult result) {
        assertEquals(out, result.out(), "stdout");
        assertEquals(err, result.err(), "stderr");
        assertEquals(exitCode, result.exitCode(), "exit code");
    }

    private static List<String> words(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split(" "));
    }

    private static String golden(String name) {
        try (InputStream in = NatctlGoldenTest.class.getResourceAsStream("golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing golden file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
