package dev.natagent.agent.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes the Prometheus exposition to a node_exporter textfile-collector file on an interval.
 * Each write goes to a hidden temp file in the same directory (node_exporter reads only *.prom)
 * and is renamed over the target, so a scrape never sees a half-written file.
 */
public final class TextfileCollector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TextfileCollector.class.getName());

    /** Writes the exposition (streamed to the file: at 50,000 forwards it is megabytes). */
    @FunctionalInterface
    public interface Exposition {
        void writeTo(Writer out) throws IOException;
    }

    private final Path target;
    private final Exposition exposition;
    private final ScheduledExecutorService scheduler;

    public TextfileCollector(Path target, Exposition exposition) {
        if (!target.getFileName().toString().endsWith(".prom")) {
            throw new IllegalArgumentException("textfile collector file must end in .prom: " + target);
        }
        this.target = target;
        this.exposition = exposition;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "nat-agent-textfile");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start(Duration interval) {
        scheduler.scheduleWithFixedDelay(this::writeLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void writeLogged() {
        try {
            writeOnce();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "writing " + target + " failed: " + e.getMessage());
        }
    }

    public void writeOnce() throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(
                        temp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
                Writer out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8))) {
            exposition.writeTo(out);
            out.flush();
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
