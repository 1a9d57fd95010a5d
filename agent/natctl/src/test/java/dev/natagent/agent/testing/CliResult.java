package dev.natagent.agent.testing;

import dev.natagent.agent.cli.Natctl;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One natctl run in this JVM, through its real parser: exit code and what it printed. */
public record CliResult(int exitCode, String out, String err) {
    public static CliResult natctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Natctl.run(args, new PrintWriter(out, true), new PrintWriter(err, true), 80);
        return new CliResult(code, out.toString(), err.toString());
    }

    /** natctl against the agent on {@code socket} ({@code args} follow {@code --socket PATH}). */
    public static CliResult natctl(Path socket, String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString()));
        all.addAll(List.of(args));
        return natctl(all.toArray(String[]::new));
    }

    /** natctl against the agent on {@code socket} with {@code input} as its stdin. */
    public static CliResult natctlWithInput(Path socket, String input, String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Natctl.run(
                all.toArray(String[]::new),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                80);
        return new CliResult(code, out.toString(), err.toString());
    }

    /** natctl against {@code agent}'s socket, with a timeout that a loaded machine's agent meets. */
    public static CliResult natctl(AgentDaemon agent, String... args) {
        List<String> all = new ArrayList<>(List.of("--timeout", "20"));
        all.addAll(List.of(args));
        return natctl(agent.socket(), all.toArray(String[]::new));
    }

    /** natctl against {@code agent} that must succeed; returns its stdout. */
    public static String natctlOk(AgentDaemon agent, String... args) {
        CliResult result = natctl(agent, args);
        if (result.exitCode() != 0) {
            throw new AssertionError("natctl " + String.join(" ", args) + " failed: " + result);
        }
        return result.out();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\nstdout: " + out + "\nstderr: " + err;
    }
}
