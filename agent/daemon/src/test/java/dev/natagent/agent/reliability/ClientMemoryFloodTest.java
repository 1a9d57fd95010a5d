package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.testing.AdminClient;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.KernelTests;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admin-group clients flooding the real daemon (shipped JVM flags, -Xmx128m) with what it has to
 * hold for them: 150 connections each sending ~1 MB of a line that never ends, and four
 * connections uploading a document one character per chunk. The daemon must survive, answer a
 * concurrent {@code status} in time, refuse the flood with clear errors, and keep its peak RSS
 * (VmHWM) under the bound docs/admin-api.md states. Both floods are bounded in bytes, count and
 * time.
 */
@Tag(KernelTests.TAG)
class ClientMemoryFloodTest {
    /** The RSS bound stated in docs/admin-api.md ("Limits"). */
    private static final long RSS_BOUND_MIB = 256;
    /**
     * Status must answer within this in nine calls of ten while the floods run (without the
     * budgets it took over a second), and within the outlier bound always: a busy shared machine
     * makes single calls slow, a starved status is slow in most.
     */
    private static final long STATUS_BOUND_MICROS = 1_000_000;

    private static final long STATUS_OUTLIER_BOUND_MICROS = 5_000_000;

    private static final int LINE_FLOODERS = 150;
    private static final int LINE_BYTES = 1_040_000;
    private static final long LINE_FLOOD_SECONDS = 20;

    private static final int CHUNK_UPLOADERS = 4;
    private static final int CHUNKS_PER_UPLOADER = 400_000;
    private static final int CHUNK_BATCH = 500;
    private static final long CHUNK_FLOOD_SECONDS = 120;

    private static final String STATUS = "{\"v\":1,\"id\":\"p\",\"op\":\"status\"}";

    @TempDir
    Path dir;

    @Test
    void linesThatNeverEndAreRefusedWhileStatusAnswersAndMemoryStaysBounded() throws Exception {
        KernelTests.requireKernel();
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            Prober prober = Prober.start(agent);
            List<SocketChannel> channels = new ArrayList<>();
            long[] sent = new long[LINE_FLOODERS];
            boolean[] closed = new boolean[LINE_FLOODERS];
            long sentTotal = 0;
            try {
                for (int i = 0; i < LINE_FLOODERS; i++) {
                    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(agent.socket()));
                    channel.configureBlocking(false);
                    channels.add(channel);
                }
                byte[] block = new byte[64 * 1024];
                Arrays.fill(block, (byte) 'a');
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LINE_FLOOD_SECONDS);
                boolean progress = true;
                while (progress && System.nanoTime() < deadline) {
                    progress = false;
                    for (int i = 0; i < LINE_FLOODERS; i++) {
                        if (closed[i] || sent[i] >= LINE_BYTES) {
                            continue;
                        }
                        ByteBuffer buffer =
                                ByteBuffer.wrap(block, 0, (int) Math.min(block.length, LINE_BYTES - sent[i]));
                        try {
                            int written = channels.get(i).write(buffer);
                            sent[i] += written;
                            sentTotal += written;
                            progress |= written > 0;
                        } catch (IOException e) {
                            closed[i] = true; // refused by the daemon
                        }
                    }
                    if (!progress) {
                        Thread.sleep(5);
                        progress = true;
                        if (Arrays.stream(sent).allMatch(s -> s >= LINE_BYTES)) {
                            break;
                        }
                    }
                }
                Thread.sleep(500);
                int refused = 0;
                for (SocketChannel channel : channels) {
                    if (receivedSoFar(channel).contains("\"BUSY\"")) {
                        refused++;
                    }
                }
                prober.stop();
                assertTrue(agent.isAlive(), "the daemon survived:\n" + agent.log());
                long peakMib = agent.peakRssKib() / 1024;
                System.out.printf(
                        "FLOOD lines: %d connections x %d bytes without newline (%d MiB sent in %d s max):"
                                + " %d refused with BUSY; status %s; daemon VmHWM %d MiB%n",
                        LINE_FLOODERS, LINE_BYTES, sentTotal >> 20, LINE_FLOOD_SECONDS, refused, prober, peakMib);
                assertTrue(refused > 0, "the flood met the request memory limit and was refused in part");
                prober.assertServed();
                assertTrue(peakMib < RSS_BOUND_MIB, "peak RSS " + peakMib + " MiB");
            } finally {
                prober.stop();
                for (SocketChannel channel : channels) {
                    channel.close();
                }
            }
            assertTrue(agent.call("status", "{}").path("ok").asBoolean(), "still answering afterwards");
        }
    }

    @Test
    void uploadsOfOneCharacterChunksAreRefusedBeforeMemoryRunsOut() throws Exception {
        KernelTests.requireKernel();
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            Prober prober = Prober.start(agent);
            AtomicLong accepted = new AtomicLong();
            List<String> refusals = new CopyOnWriteArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> uploaders = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHUNK_FLOOD_SECONDS);
            try {
                for (int u = 0; u < CHUNK_UPLOADERS; u++) {
                    Thread thread = new Thread(
                            () -> {
                                try {
                                    refusals.add(uploadTinyChunks(agent.socket(), accepted, deadline));
                                } catch (IOException | RuntimeException e) {
                                    failures.add(e);
                                }
                            },
                            "uploader-" + u);
                    thread.start();
                    uploaders.add(thread);
                }
                for (Thread thread : uploaders) {
                    thread.join(TimeUnit.SECONDS.toMillis(CHUNK_FLOOD_SECONDS + 30));
                }
                prober.stop();
                assertTrue(agent.isAlive(), "the daemon survived:\n" + agent.log());
                long peakMib = agent.peakRssKib() / 1024;
                System.out.printf(
                        "FLOOD chunks: %d uploads of 1-character chunks: %d chunks accepted, then %s; status %s;"
                                + " daemon VmHWM %d MiB%n",
                        CHUNK_UPLOADERS, accepted.get(), refusals, prober, peakMib);
                assertEquals(List.of(), failures);
                assertTrue(
                        refusals.stream().anyMatch(r -> r.contains("BUSY")),
                        "the uploads met the upload memory limit: " + refusals);
                prober.assertServed();
                assertTrue(peakMib < RSS_BOUND_MIB, "peak RSS " + peakMib + " MiB");
            } finally {
                prober.stop();
            }
            assertTrue(agent.call("status", "{}").path("ok").asBoolean(), "still answering afterwards");
        }
    }

    /** Begins an upload and sends 1-character chunks in pipelined batches; returns the error code that ended it. */
    private static String uploadTinyChunks(Path socket, AtomicLong accepted, long deadline) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(channel);
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            out.write("{\"v\":1,\"id\":\"b\",\"op\":\"apply.begin\",\"args\":{\"dry_run\":true}}\n"
                    .getBytes(StandardCharsets.UTF_8));
            JsonNode begun = TestJson.mapper().readTree(in.readLine());
            String upload = begun.at("/result/upload").textValue();
            for (int seq = 0; seq < CHUNKS_PER_UPLOADER && System.nanoTime() < deadline; seq += CHUNK_BATCH) {
                StringBuilder batch = new StringBuilder();
                for (int i = seq; i < seq + CHUNK_BATCH; i++) {
                    batch.append("{\"v\":1,\"id\":\"c\",\"op\":\"apply.chunk\",\"args\":{\"upload\":\"")
                            .append(upload)
                            .append("\",\"seq\":")
                            .append(i)
                            .append(",\"data\":\" \"}}\n");
                }
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                String error = null;
                for (int i = 0; i < CHUNK_BATCH; i++) {
                    JsonNode response = TestJson.mapper().readTree(in.readLine());
                    if (response.path("ok").asBoolean()) {
                        accepted.incrementAndGet();
                    } else if (error == null) {
                        error = response.at("/error/code").textValue();
                    }
                }
                if (error != null) {
                    return error;
                }
            }
            return "none after " + CHUNKS_PER_UPLOADER + " chunks";
        }
    }

    /** What the daemon has written to the connection so far (it is not blocking), or "". */
    private static String receivedSoFar(SocketChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try {
            channel.read(buffer);
        } catch (IOException e) {
            // closed by the daemon after its answer, or before: either way nothing more to read
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    /** Calls status on a new connection every 20 ms and keeps the latencies. */
    private static final class Prober {
        private final AgentDaemon agent;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Long> micros = new CopyOnWriteArrayList<>();
        private final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private Thread thread;

        private Prober(AgentDaemon agent) {
            this.agent = agent;
        }

        static Prober start(AgentDaemon agent) {
            Prober prober = new Prober(agent);
            prober.thread = new Thread(prober::run, "status-prober");
            prober.thread.setDaemon(true);
            prober.thread.start();
            return prober;
        }

        private void run() {
            while (running.get()) {
                long started = System.nanoTime();
                try (AdminClient client = agent.connect()) {
                    if (!client.send(STATUS).path("ok").asBoolean()) {
                        failures.add(new AssertionError("status not ok"));
                    }
                } catch (IOException e) {
                    failures.add(e);
                }
                micros.add((System.nanoTime() - started) / 1_000);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }

        long p90() {
            List<Long> sorted = micros.stream().sorted().toList();
            return sorted.isEmpty() ? -1 : sorted.get(sorted.size() * 9 / 10);
        }

        long max() {
            return micros.stream().mapToLong(Long::longValue).max().orElse(-1);
        }

        void assertServed() {
            assertEquals(List.of(), failures, "status failed during the flood");
            assertTrue(micros.size() >= 10, "status answered during the flood: " + micros.size() + " calls");
            assertTrue(p90() < STATUS_BOUND_MICROS, "status during the flood, 90th percentile: " + p90() + " µs");
            assertTrue(max() < STATUS_OUTLIER_BOUND_MICROS, "slowest status during the flood: " + max() + " µs");
        }

        @Override
        public String toString() {
            List<Long> sorted = micros.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return "never called";
            }
            return String.format(
                    "%d calls, median %.1f ms, max %.1f ms",
                    sorted.size(), sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
        }
    }
}
