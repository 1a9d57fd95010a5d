package dev.natagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.config.ConfigFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** The daemon's command line through the real parser: exit codes, output, parsed options. */
class MainTest {
    private record Run(int exitCode, String out, String err, List<Main.Invocation> started) {}

    private static Run run(String... args) {
        List<Main.Invocation> started = new ArrayList<>();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.run(args, new PrintWriter(out), new PrintWriter(err), invocation -> {
            started.add(invocation);
            return 0;
        });
        return new Run(exitCode, out.toString(), err.toString(), started);
    }

    /** The help text as recorded in help.txt: what operators and the unit's docs have seen all along. */
    private static String expectedHelp() throws IOException {
        try (InputStream in = MainTest.class.getResourceAsStream("help.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void helpIsPrintedAndNothingStarts() throws IOException {
        Run help = run("--help");
        assertEquals(0, help.exitCode());
        assertEquals(expectedHelp(), help.out());
        assertEquals(List.of(), help.started());
    }

    @Test
    void versionComesFromTheJarManifest() {
        Run version = run("-V");
        assertEquals(0, version.exitCode());
        assertEquals("nat-agent " + Main.version() + System.lineSeparator(), version.out());
        assertEquals(List.of(), version.started());
    }

    @Test
    void defaultsLeaveTheDaemonOptionsToTheConfigFile() {
        Run run = run();
        assertEquals(0, run.exitCode(), run.err());
        Main.Invocation invocation = run.started().get(0);
        assertEquals(ConfigFile.DEFAULT_PATH, invocation.options().config());
        assertNull(invocation.options().stateDir());
        assertNull(invocation.options().socket());
        assertNull(invocation.options().adminGroup());
        assertEquals(Level.INFO, invocation.logLevel());
    }

    @Test
    void everyOptionReachesTheDaemon() {
        Run run = run(
                "--config",
                "/etc/x.json",
                "--state-dir=/var/x",
                "--socket",
                "/run/x.sock",
                "--admin-group",
                "wheel",
                "--log-level",
                "debug");
        Main.Invocation invocation = run.started().get(0);
        assertEquals(
                new Daemon.Options(Path.of("/etc/x.json"), Path.of("/var/x"), Path.of("/run/x.sock"), "wheel"),
                invocation.options());
        assertEquals(Level.FINE, invocation.logLevel());
    }

    @Test
    void usageErrorsExitTwoWithTheReasonAndStartNothing() throws IOException {
        Run unknown = run("--bogus");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().startsWith("Unknown option: '--bogus'"), unknown.err());
        assertTrue(unknown.err().endsWith(expectedHelp()), unknown.err());

        Run level = run("--log-level", "loud");
        assertEquals(2, level.exitCode());
        assertTrue(level.err().startsWith("--log-level must be error, warn, info or debug, not loud"), level.err());
        assertTrue(level.err().contains("(default: info)"), "the usage shows the default, not the bad value");
        assertEquals(List.of(), unknown.started());
        assertEquals(List.of(), level.started());
    }

    @Test
    void malformedCommandLinesAreUsageErrors() throws IOException {
        for (String[] args : List.of(
                new String[] {"--config"},
                new String[] {"--socket=/a", "--socket", "/b"},
                new String[] {"start"},
                new String[] {"-x"})) {
            Run run = run(args);
            assertEquals(2, run.exitCode(), run.err());
            assertTrue(run.err().endsWith(expectedHelp()), run.err());
            assertEquals(List.of(), run.started());
        }
        assertTrue(run("--config").err().startsWith("Missing required parameter for option '--config' (FILE)"));
        assertTrue(run("start").err().startsWith("Unmatched argument at index 0: 'start'"));
    }

    @Test
    void clusteredShortOptionsAreHelpAndVersion() throws IOException {
        assertEquals(expectedHelp(), run("-hV").out());
        assertEquals(
                "nat-agent " + Main.version() + System.lineSeparator(),
                run("-V", "--log-level=debug").out());
    }
}
