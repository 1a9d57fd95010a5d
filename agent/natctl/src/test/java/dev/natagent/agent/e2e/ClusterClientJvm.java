package dev.natagent.agent.e2e;

import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.Netns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ClusterClientMain} in a child JVM started with {@code ip netns exec} in a namespace (ip
 * execs java, so the pid is the JVM's): the client's connections are the namespace's. One request
 * line at a time, one answer line back; its stderr goes to a log that failures quote. Close kills
 * it by pid should it not quit.
 */
final class ClusterClientJvm implements AutoCloseable {
    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final long ANSWER_MILLIS = 120_000;
    private static final String END = "\0end";

    private final Process process;
    private final PrintWriter requests;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path log;

    private ClusterClientJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.requests = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, "cluster-client-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code library} (lettuce or jedis) seeded with host:port, dialling through {@code map}
     * when not null and speaking TLS trusting {@code ca} when not null; returns once it is ready.
     */
    static ClusterClientJvm start(Netns from, Path log, String library, String host, int port, Path map, Path ca)
            throws IOException, InterruptedException {
        List<String> arguments =
                new ArrayList<>(List.of(library, host, Integer.toString(port), map == null ? "-" : map.toString()));
        if (ca != null) {
            arguments.add(ca.toString());
        }
        return start(from, log, ClusterClientMain.class, arguments);
    }

    /** Starts {@code main} with {@code arguments}; returns once it printed "ready". */
    static ClusterClientJvm start(Netns from, Path log, Class<?> main, List<String> arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", from.name(), JAVA));
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:-UsePerfData"));
        command.addAll(List.of("-cp", AgentDaemon.CLASS_PATH, main.getName()));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        ClusterClientJvm client = new ClusterClientJvm(process, log);
        String ready = client.next();
        if (!ready.equals("ready")) {
            client.close();
            throw new ClientFailed(ready);
        }
        return client;
    }

    private void readAnswers() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                answers.add(line);
            }
        } catch (IOException e) {
            answers.add("error reading the client's answers: " + e);
        }
        answers.add(END);
    }

    /** Sends one request; its answer ("ok N" or "error ..."). */
    String ask(String request) throws InterruptedException {
        requests.println(request);
        return next();
    }

    /** Sends one request that must succeed; fails with the client's log otherwise. */
    void expectOk(String request) throws InterruptedException {
        String answer = ask(request);
        if (!answer.startsWith("ok ")) {
            throw new AssertionError(request + ": " + answer + "\n" + log());
        }
    }

    private String next() throws InterruptedException {
        String answer = answers.poll(ANSWER_MILLIS, TimeUnit.MILLISECONDS);
        if (answer == null) {
            return "error no answer within " + ANSWER_MILLIS + " ms";
        }
        return answer.equals(END) ? "error the client exited " + exit() : answer;
    }

    private String exit() throws InterruptedException {
        return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "(still running)";
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no client log)";
        } catch (IOException e) {
            return "(client log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        requests.println("quit");
        requests.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The client could not even connect; its message is the client's "error ..." answer. */
    static final class ClientFailed extends AssertionError {
        ClientFailed(String answer) {
            super(answer);
        }
    }
}
