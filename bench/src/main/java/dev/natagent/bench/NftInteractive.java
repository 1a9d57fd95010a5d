package dev.natagent.bench;

import dev.natagent.testing.Netns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One persistent {@code nft -i} process in a namespace, fed commands through a pipe: the way to
 * drive nft with one open netlink socket. nft runs each line as its own transaction, one after the
 * other; a {@code list tables} line after a block marks its end, as its output appears only once
 * every line before it has been committed.
 */
final class NftInteractive implements AutoCloseable {
    private static final String MARKER_COMMAND = "list tables\n";
    private static final String MARKER_OUTPUT = "table ip " + Ruleset.TABLE;
    private static final long TIMEOUT_SECONDS = 60;

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();

    private NftInteractive(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        reader("nft-i-stdout", process.getInputStream(), stdout::add);
        reader("nft-i-stderr", process.getErrorStream(), line -> stderr.append(line)
                .append('\n'));
    }

    static NftInteractive start(Netns netns) throws IOException {
        return new NftInteractive(new ProcessBuilder("ip", "netns", "exec", netns.name(), "nft", "-i").start());
    }

    /** Sends {@code commands} (one a line) and a marker; returns the ms until the marker's output came back. */
    double timeMillis(List<String> commands) throws IOException, InterruptedException {
        StringBuilder block = new StringBuilder(commands.size() * 64 + MARKER_COMMAND.length());
        for (String command : commands) {
            block.append(command).append('\n');
        }
        block.append(MARKER_COMMAND);
        long start = System.nanoTime();
        stdin.write(block.toString());
        stdin.flush();
        awaitMarker();
        long elapsed = System.nanoTime() - start;
        if (stderr.length() > 0) {
            throw new IOException("nft -i reported: " + stderr);
        }
        return elapsed / 1e6;
    }

    private void awaitMarker() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            String line = stdout.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException(
                        "nft -i did not finish a block within " + TIMEOUT_SECONDS + " s; stderr: " + stderr);
            }
            if (line.equals(MARKER_OUTPUT)) {
                return;
            }
        }
    }

    /** Closes nft's stdin, which ends it; kills it (this process only) if it does not end in 5 s. */
    @Override
    public void close() throws IOException {
        try {
            stdin.close();
        } finally {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Drains {@code in} line by line on a daemon thread until nft closes it. */
    private static void reader(String name, InputStream in, Consumer<String> sink) {
        Thread thread = new Thread(
                () -> {
                    try (BufferedReader reader =
                            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                            sink.accept(line);
                        }
                    } catch (IOException e) {
                        sink.accept("read failed: " + e.getMessage());
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
    }
}
