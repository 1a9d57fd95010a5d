package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.testing.AdminClient;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.IdleConnections;
import dev.natagent.testing.KernelTests;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
 * The admin socket under abuse, against the real daemon in a namespace. Access: a uid outside the admin group is
 * kept out by the socket's mode and, were the mode too open, by the SO_PEERCRED check, for reads
 * and writes alike; a peer with the admin group reads and writes; the daemon will not start on a
 * symlinked or foreign-owned socket path. Abuse: 10,000 idle connections, slow-loris writers (one
 * byte per second of a line that never ends) and writers streaming 1 GiB lines, all at once, while
 * a prober measures {@code status} latency; the daemon's peak RSS (VmHWM) is reported. The attack
 * lasts 10 s by default ({@code -Dnatagent.abuse.seconds=N}). Unprivileged peers are python3
 * under setpriv (uid 65534), the idle connections a python3 process of their own.
 */
@Tag(KernelTests.TAG)
class SocketAbuseTest {
    private static final int ATTACK_SECONDS = Integer.getInteger("natagent.abuse.seconds", 10);
    private static final int IDLE = 10_000;
    private static final int SLOW_LORIS = 500;
    private static final int GIB_STREAMERS = 2;
    private static final long GIB = 1L << 30;
    private static final String NOBODY = "65534";
    /** Not a python3 found on root's PATH: that may live under /root, where uid 65534 cannot go. */
    private static final String SYSTEM_PYTHON = "/usr/bin/python3";

    private static final String STATUS = "{\"v\":1,\"id\":\"p\",\"op\":\"status\"}";
    private static final String REMOVE =
            "{\"v\":1,\"id\":\"w\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}}";
    /** Connects, sends one line, prints the response line or the connect error's name. */
    private static final String PY_CLIENT = String.join(
            "\n",
            "import socket,sys",
            "s=socket.socket(socket.AF_UNIX)",
            "try:",
            "    s.connect(sys.argv[1])",
            "except OSError as e:",
            "    print('connect:'+(e.__class__.__name__)); sys.exit(0)",
            "s.sendall(sys.argv[2].encode()+b'\\n')",
            "print(s.makefile().readline().strip())");

    @TempDir
    Path dir;

    @Test
    void outsidersAreRefusedAndTheAdminGroupReadsAndWrites() throws Exception {
        KernelTests.requireKernel();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            addRedis(agent);
            Path socket = agent.socket();
            Path run = socket.getParent();
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));

            assertEquals("connect:PermissionError", peer(NOBODY, NOBODY, socket, STATUS), "kept out by the directory");
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
            assertEquals("connect:PermissionError", peer(NOBODY, NOBODY, socket, STATUS), "kept out by the socket");
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            String read = peer(NOBODY, NOBODY, socket, STATUS);
            assertTrue(read.contains("\"PERMISSION_DENIED\""), "SO_PEERCRED refuses a read: " + read);
            String write = peer(NOBODY, NOBODY, socket, REMOVE);
            assertTrue(write.contains("\"PERMISSION_DENIED\""), "SO_PEERCRED refuses a write: " + write);
            assertTrue(agent.table().contains("tcp . 6379"), "nothing removed");

            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-x---"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            String memberRead = peer(NOBODY, "0", socket, STATUS);
            assertTrue(memberRead.contains("\"ok\":true"), "the admin group reads: " + memberRead);
            String memberWrite = peer(NOBODY, "0", socket, REMOVE);
            assertTrue(memberWrite.contains("\"ok\":true"), "the admin group writes: " + memberWrite);
            assertTrue(!agent.table().contains("tcp . 6379"), "removed from the kernel");
        }
    }

    @Test
    void aSymlinkedOrForeignOwnedSocketPathIsRefusedAtStart() throws Exception {
        KernelTests.requireKernel();
        Path target = Files.createDirectories(dir.resolve("elsewhere")).resolve("real.sock");
        Path symlink = Files.createDirectories(dir.resolve("a")).resolve("admin.sock");
        Files.createSymbolicLink(symlink, target);
        String refused = AgentDaemon.refusedStartInOwnNamespace(dir.resolve("a"), symlink);
        assertTrue(refused.contains("symbolic link"), refused);
        assertTrue(Files.notExists(target), "nothing created behind the link");

        Path foreign = Files.createDirectories(dir.resolve("b")).resolve("admin.sock");
        bindSocket(foreign);
        Files.setAttribute(foreign, "unix:uid", 65534);
        refused = AgentDaemon.refusedStartInOwnNamespace(dir.resolve("b"), foreign);
        assertTrue(refused.contains("owned by"), refused);
        assertEquals(65534, Files.getAttribute(foreign, "unix:uid"), "left as it was");
    }

    @Test
    void idleSlowAndHugeClientsNeitherBlowMemoryNorStopService() throws Exception {
        KernelTests.requireKernel();
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            addRedis(agent);
            long rssBefore = agent.rssKib();
            List<Long> quiet = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                quiet.add(timedStatus(agent));
            }
            AtomicBoolean attacking = new AtomicBoolean(true);
            AtomicLong streamed = new AtomicLong();
            AtomicLong closedStreams = new AtomicLong();
            List<Long> latencies = new CopyOnWriteArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            Process idle = IdleConnections.hold(agent.socket(), IDLE);
            try {
                for (int i = 0; i < GIB_STREAMERS; i++) {
                    threads.add(start("gib-" + i, failures, () -> {
                        while (attacking.get()) {
                            streamOneGib(agent.socket(), attacking, streamed);
                            closedStreams.incrementAndGet();
                        }
                    }));
                }
                threads.add(start("slow-loris", failures, () -> slowLoris(agent.socket(), attacking)));
                threads.add(start("prober", failures, () -> {
                    while (attacking.get()) {
                        latencies.add(timedStatus(agent));
                        Thread.sleep(20);
                    }
                }));
                assertTimeoutPreemptively(Duration.ofSeconds(ATTACK_SECONDS + 60), () -> {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(ATTACK_SECONDS));
                    attacking.set(false);
                    for (Thread thread : threads) {
                        thread.join();
                    }
                });
            } finally {
                attacking.set(false);
                idle.destroy();
                idle.waitFor(10, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), failures);
            assertTrue(agent.isAlive());
            assertTrue(agent.call("status", "{}").path("ok").asBoolean(), "still answering afterwards");
            long peakMib = agent.peakRssKib() / 1024;
            List<Long> sorted = latencies.stream().sorted().toList();
            long median = sorted.get(sorted.size() / 2);
            long p99 = sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100));
            long max = sorted.get(sorted.size() - 1);
            System.out.printf(
                    "RELIABILITY item7 (socket abuse, real daemon, %d s): %d idle connections + %d slow-loris"
                            + " writers + %d streams of 1 GiB lines (%d MiB pushed, each cut off at the 1 MiB limit,"
                            + " %d closed): status latency median %.1f ms, p99 %.1f ms, max %.1f ms over %d calls"
                            + " (%.1f ms median before the attack);"
                            + " daemon RSS %d MiB before, peak (VmHWM) %d MiB%n",
                    ATTACK_SECONDS,
                    IDLE,
                    SLOW_LORIS,
                    GIB_STREAMERS,
                    streamed.get() >> 20,
                    closedStreams.get(),
                    median / 1000.0,
                    p99 / 1000.0,
                    max / 1000.0,
                    sorted.size(),
                    quiet.stream().sorted().toList().get(quiet.size() / 2) / 1000.0,
                    rssBefore / 1024,
                    peakMib);
            assertTrue(sorted.size() >= ATTACK_SECONDS, "the prober got answers: " + sorted.size());
            // Served, not starved; the bound is loose so a busy CI machine does not fail it (figures above).
            assertTrue(p99 < 2_000_000, "p99 status latency under attack " + p99 + " µs");
            assertTrue(peakMib < 256, "peak RSS " + peakMib + " MiB");
        }
    }

    /** Microseconds for one status call on a new connection, connect included. */
    private static long timedStatus(AgentDaemon agent) throws IOException {
        long started = System.nanoTime();
        try (AdminClient connection = agent.connect()) {
            assertTrue(connection.send(STATUS).path("ok").asBoolean());
        }
        return (System.nanoTime() - started) / 1_000;
    }

    private static void addRedis(AgentDaemon agent) throws IOException {
        assertTrue(agent.call(
                        "forward.add",
                        "{\"forward\":{\"name\":\"redis\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"]}}")
                .path("ok")
                .asBoolean());
    }

    /** {@link #PY_CLIENT} as uid/gid (no supplementary groups); its one output line. */
    private static String peer(String uid, String gid, Path socket, String line) throws Exception {
        Process process = new ProcessBuilder(
                        "setpriv",
                        "--reuid",
                        uid,
                        "--regid",
                        gid,
                        "--clear-groups",
                        SYSTEM_PYTHON,
                        "-c",
                        PY_CLIENT,
                        socket.toString(),
                        line)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "client finished");
        return output;
    }

    private static void bindSocket(Path path) throws Exception {
        Process process = new ProcessBuilder(
                        "python3",
                        "-c",
                        "import socket,sys\nsocket.socket(socket.AF_UNIX).bind(sys.argv[1])",
                        path.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0);
    }

    /** Writes up to 1 GiB of one line, never held in memory, until the daemon closes the connection. */
    private static void streamOneGib(Path socket, AtomicBoolean attacking, AtomicLong streamed) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
            for (long sent = 0; sent < GIB && attacking.get(); sent += chunk.length) {
                out.write(chunk);
                streamed.addAndGet(chunk.length);
            }
        } catch (IOException e) {
            // the daemon closed it (REQUEST_TOO_LARGE): what it should do
        }
    }

    /** One byte per second on each connection, of a line that never ends. */
    private static void slowLoris(Path socket, AtomicBoolean attacking) throws Exception {
        List<SocketChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_LORIS; i++) {
                channels.add(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            }
            byte[] line = STATUS.getBytes(StandardCharsets.UTF_8);
            for (int second = 0; attacking.get(); second++) {
                for (SocketChannel channel : channels) {
                    try {
                        channel.write(ByteBuffer.wrap(line, second % line.length, 1));
                    } catch (IOException e) {
                        // closed by the daemon's idle timeout (60 s): allowed, and what a long run shows
                    }
                }
                Thread.sleep(1_000);
            }
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
    }

    interface Body {
        void run() throws Exception;
    }

    private static Thread start(String name, List<Throwable> failures, Body body) {
        Thread thread = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (Exception | AssertionError e) {
                        failures.add(e);
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
