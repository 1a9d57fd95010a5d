package dev.natagent.agent.api;

import static dev.natagent.agent.api.TestSockets.connect;
import static dev.natagent.agent.api.TestSockets.readLine;
import static dev.natagent.agent.api.TestSockets.roundTrip;
import static dev.natagent.agent.api.TestSockets.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.testing.IdleConnections;
import dev.natagent.agent.testing.OtherUser;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerTest {
    @TempDir
    Path dir;

    private final FakeOperations operations = new FakeOperations();

    private Path socket() {
        return dir.resolve("run").resolve("admin.sock");
    }

    private static JsonNode json(String line) throws IOException {
        return TestJson.mapper().readTree(line);
    }

    private static String request(String id, String op, String args) {
        return "{\"v\":1,\"id\":\"" + id + "\",\"op\":\"" + op + "\",\"args\":" + args + "}";
    }

    @Test
    void answersARequestAndSetsSocketAndDirectoryModes() throws Exception {
        try (AdminServer server = TestSockets.start(dir, operations)) {
            JsonNode response = json(roundTrip(server.socketPath(), request("s1", "status", "{}")));
            assertEquals(1, response.get("v").intValue());
            assertEquals("s1", response.get("id").textValue());
            assertTrue(response.get("ok").booleanValue());
            assertEquals("ok", response.at("/result/health").textValue());
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket())));
            assertEquals(
                    "rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket().getParent())));
            assertEquals("root", Files.getAttribute(socket(), "posix:group").toString());
        }
        assertFalse(Files.exists(socket()), "socket removed on close");
    }

    @Test
    void removesAStaleSocketOfOurs() throws Exception {
        Files.createDirectories(socket().getParent());
        try (ServerSocketChannel dead = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket()));
        }
        assertTrue(Files.exists(socket()), "the JDK leaves the socket file behind, as a crashed agent would");
        try (AdminServer server = TestSockets.start(dir, operations)) {
            assertTrue(json(roundTrip(server.socketPath(), request("1", "status", "{}")))
                    .get("ok")
                    .booleanValue());
        }
    }

    @Test
    void refusesToStealTheSocketOfARunningAgent() throws Exception {
        try (AdminServer first = TestSockets.start(dir, operations)) {
            IOException refused = assertThrows(IOException.class, () -> TestSockets.start(dir, operations));
            assertTrue(refused.getMessage().contains("already listening"), refused.getMessage());
            assertTrue(json(roundTrip(first.socketPath(), request("1", "status", "{}")))
                    .get("ok")
                    .booleanValue());
        }
    }

    @Test
    void refusesARegularFileAtTheSocketPathAndLeavesIt() throws Exception {
        Files.createDirectories(socket().getParent());
        Files.writeString(socket(), "precious");
        IOException refused = assertThrows(IOException.class, () -> TestSockets.start(dir, operations));
        assertTrue(refused.getMessage().contains("not a socket"), refused.getMessage());
        assertEquals("precious", Files.readString(socket()));
    }

    @Test
    void refusesASymlinkAtTheSocketPath() throws Exception {
        Files.createDirectories(socket().getParent());
        Path victim = Files.writeString(dir.resolve("victim"), "x");
        Files.createSymbolicLink(socket(), victim);
        IOException refused = assertThrows(IOException.class, () -> TestSockets.start(dir, operations));
        assertTrue(refused.getMessage().contains("symbolic link"), refused.getMessage());
        assertTrue(Files.isSymbolicLink(socket()));
    }

    @Test
    void refusesASymlinkedSocketDirectory() throws Exception {
        Path real = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("run"), real);
        IOException refused = assertThrows(IOException.class, () -> TestSockets.start(dir, operations));
        assertTrue(refused.getMessage().contains("symbolic link"), refused.getMessage());
    }

    @Test
    void refusesASocketDirectoryOwnedBySomeoneElse() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.setAttribute(run, "unix:uid", 65534);
        IOException refused = assertThrows(IOException.class, () -> TestSockets.start(dir, operations));
        assertTrue(refused.getMessage().contains("owned by uid 65534"), refused.getMessage());
    }

    @Test
    void refusesASocketDirectoryOthersMayWriteIn() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        for (String mode : List.of("rwxrwxrwx", "rwxrwxrwt", "rwxrwx---")) {
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString(mode.replace('t', 'x')));
            if (mode.endsWith("t")) {
                Files.setAttribute(run, "unix:mode", 01777);
            }
            IOException refused = assertThrows(IOException.class, () -> TestSockets.start(dir, operations), mode);
            assertTrue(refused.getMessage().contains("chmod 0750 " + run), refused.getMessage());
            assertFalse(Files.exists(socket()), "nothing bound there");
        }
        Path above = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(above, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path inside = Files.createDirectories(above.resolve("run"));
        Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rwxr-x---"));
        IOException refused = assertThrows(
                IOException.class,
                () -> TestSockets.start(AdminServerConfig.defaults(inside.resolve("admin.sock"), "root"), operations));
        assertTrue(refused.getMessage().contains(above + " above it has mode 0777"), refused.getMessage());
    }

    @Test
    void answersMalformedLinesAndKeepsTheConnection() throws Exception {
        List<String> corpus = List.of(
                "garbage",
                "{",
                "[]",
                "{\"v\":1}",
                "{\"v\":2,\"id\":\"a\",\"op\":\"status\"}",
                "{\"v\":1,\"id\":\"a\",\"op\":\"nope\"}",
                "{\"v\":1,\"id\":\"a\",\"op\":\"forward.remove\",\"args\":{}}",
                "{\"v\":1,\"id\":\"a\",\"op\":\"forward.remove\",\"args\":{\"name\":5}}",
                "{\"v\":1,\"id\":\"a\",\"op\":\"forward.add\",\"args\":{\"forward\":{\"name\":\"x\",\"listen\":\"99999\","
                        + "\"to\":[\"1.2.3.4:5\"]}}}",
                "{\"v\":1,\"id\":\"a\",\"op\":\"status\",\"args\":{\"verbose\":true}}",
                "{\"v\":1,\"id\":\"a\",\"op\":\"export\",\"args\":{\"format\":\"xml\"}}",
                "\u0000\u0001\u0002");
        List<String> codes = new ArrayList<>();
        try (AdminServer server = TestSockets.start(dir, operations);
                SocketChannel channel = connect(server.socketPath())) {
            for (String line : corpus) {
                send(channel, line + "\n");
                JsonNode response = json(readLine(channel));
                assertFalse(response.get("ok").booleanValue(), line);
                codes.add(response.at("/error/code").textValue());
            }
            send(channel, request("after", "status", "{}") + "\n");
            assertTrue(json(readLine(channel)).get("ok").booleanValue(), "connection still served");
        }
        assertEquals(
                List.of(
                        "BAD_REQUEST",
                        "BAD_REQUEST",
                        "BAD_REQUEST",
                        "BAD_REQUEST",
                        "UNSUPPORTED_VERSION",
                        "UNKNOWN_OP",
                        "BAD_REQUEST",
                        "BAD_REQUEST",
                        "VALIDATION",
                        "BAD_REQUEST",
                        "BAD_REQUEST",
                        "BAD_REQUEST"),
                codes);
    }

    @Test
    void validationErrorsNameTheField() throws Exception {
        try (AdminServer server = TestSockets.start(dir, operations)) {
            JsonNode response = json(
                    roundTrip(
                            server.socketPath(),
                            request(
                                    "v",
                                    "forward.add",
                                    "{\"forward\":{\"name\":\"redis\",\"listen\":\"6379-6381\",\"to\":[\"10.0.1.230:6379\"]}}")));
            assertEquals("VALIDATION", response.at("/error/code").textValue());
            assertEquals("to", response.at("/error/field").textValue());
            assertEquals(
                    "TARGET_COUNT_MISMATCH",
                    response.at("/error/details/0/code").textValue());
        }
    }

    @Test
    void aLineOverOneMebibyteIsRefusedAndTheConnectionClosed() throws Exception {
        try (AdminServer server = TestSockets.start(dir, operations);
                SocketChannel channel = connect(server.socketPath())) {
            byte[] huge = new byte[AdminProtocol.MAX_REQUEST_BYTES + 10];
            java.util.Arrays.fill(huge, (byte) 'a');
            Thread writer = new Thread(() -> {
                try {
                    channel.write(ByteBuffer.wrap(huge));
                } catch (IOException expected) {
                    // the server closes while we still write
                }
            });
            writer.start();
            JsonNode response = json(readLine(channel));
            assertEquals("REQUEST_TOO_LARGE", response.at("/error/code").textValue());
            assertNull(readLine(channel), "closed after the error");
            writer.join(5_000);
            assertTrue(json(roundTrip(server.socketPath(), request("1", "status", "{}")))
                    .get("ok")
                    .booleanValue());
        }
    }

    @Test
    void aLineOfExactlyTheLimitIsReadEndedByLfOrCrlf() throws Exception {
        try (AdminServer server = TestSockets.start(dir, operations)) {
            String prefix = "{\"v\":1,\"id\":\"big\",\"op\":\"status\",\"args\":{},\"pad\":\"";
            String line = prefix + "p".repeat(AdminProtocol.MAX_REQUEST_BYTES - prefix.length() - 2) + "\"}";
            assertEquals(AdminProtocol.MAX_REQUEST_BYTES, line.length());
            for (String cr : List.of("", "\r")) {
                JsonNode response = json(roundTrip(server.socketPath(), line + cr));
                assertEquals("BAD_REQUEST", response.at("/error/code").textValue(), "decoded (unknown field pad)");
                assertEquals("big", response.get("id").textValue());
            }
            JsonNode over = json(roundTrip(server.socketPath(), line + "p\r"));
            assertEquals("REQUEST_TOO_LARGE", over.at("/error/code").textValue(), "one byte more is too large");
        }
    }

    @Test
    void aLineOfTinyJsonValuesIsRefusedBeforeItsTreeOutgrowsItsCharge() throws Exception {
        try (AdminServer server = TestSockets.start(dir, operations)) {
            StringBuilder line = new StringBuilder("{\"v\":1,\"id\":\"t\",\"op\":\"apply\",\"args\":{\"state\":[");
            while (line.length() < AdminProtocol.MAX_REQUEST_BYTES - 10) {
                line.append("{},");
            }
            line.append("{}]}}");
            JsonNode response = json(roundTrip(server.socketPath(), line.toString()));
            assertEquals("BAD_REQUEST", response.at("/error/code").textValue());
            assertTrue(
                    response.at("/error/message").textValue().startsWith("request too complex"), response.toString());
            assertTrue(json(roundTrip(server.socketPath(), request("after", "status", "{}")))
                    .get("ok")
                    .booleanValue());
        }
    }

    @Test
    void linesThatNeverEndAreBoundedByTheRequestMemoryAndStatusIsStillServed() throws Exception {
        int flooders = 60;
        int lineBytes = 1_000_000;
        AdminServerConfig config = AdminServerConfig.defaults(socket(), "root");
        try (AdminServer server = TestSockets.start(config, operations)) {
            List<SocketChannel> channels = new ArrayList<>();
            List<Long> statusMillis = new ArrayList<>();
            long maxHeld = 0;
            int busy = 0;
            try {
                for (int i = 0; i < flooders; i++) {
                    SocketChannel channel = connect(server.socketPath());
                    channel.configureBlocking(false);
                    channels.add(channel);
                }
                byte[] block = new byte[64 * 1024];
                java.util.Arrays.fill(block, (byte) 'a');
                long[] sent = new long[flooders];
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline
                        && java.util.Arrays.stream(sent).anyMatch(n -> n < lineBytes)) {
                    for (int i = 0; i < flooders; i++) {
                        if (sent[i] < lineBytes) {
                            try {
                                sent[i] += channels.get(i).write(ByteBuffer.wrap(block, 0, (int)
                                        Math.min(block.length, lineBytes - sent[i])));
                            } catch (IOException closedByServer) {
                                sent[i] = lineBytes;
                            }
                        }
                    }
                    maxHeld = Math.max(maxHeld, server.requestMemoryHeld());
                    long started = System.nanoTime();
                    assertTrue(json(roundTrip(server.socketPath(), request("s", "status", "{}")))
                            .get("ok")
                            .booleanValue());
                    statusMillis.add(
                            Duration.ofNanos(System.nanoTime() - started).toMillis());
                }
                for (SocketChannel channel : channels) {
                    ByteBuffer answer = ByteBuffer.allocate(4096);
                    try {
                        channel.read(answer);
                    } catch (IOException closed) {
                        // closed after its answer
                    }
                    if (new String(answer.array(), 0, answer.position(), java.nio.charset.StandardCharsets.UTF_8)
                            .contains("\"BUSY\"")) {
                        busy++;
                    }
                }
            } finally {
                for (SocketChannel channel : channels) {
                    channel.close();
                }
            }
            assertTrue(maxHeld <= config.requestMemory(), "held " + maxHeld + " of " + config.requestMemory());
            assertTrue(maxHeld > config.requestMemory() / 2, "the flood filled the request memory: " + maxHeld);
            assertTrue(busy > 0, "flooders beyond the memory got BUSY");
            // A starved status is slow in most calls; a busy shared machine makes single calls slow.
            List<Long> sorted = statusMillis.stream().sorted().toList();
            long p90 = sorted.get(sorted.size() * 9 / 10);
            assertTrue(p90 < 500, "status during the flood, 90th percentile " + p90 + " ms: " + sorted);
            assertTrue(sorted.get(sorted.size() - 1) < 5_000, "slowest status during the flood: " + sorted);
            waitFor(() -> server.openConnections() == 0);
            waitFor(() -> server.requestMemoryHeld() == 0);
        }
    }

    /** Connects as uid/gid 65534 without groups, sends {@code lines}, prints all it receives until EOF. */
    private static final String OUTSIDER = String.join(
            "\n",
            "import socket,sys",
            "s=socket.socket(socket.AF_UNIX)",
            "s.settimeout(10)",
            "s.connect(sys.argv[1])",
            "try:",
            "    s.sendall(sys.argv[2].encode())",
            "except OSError:",
            "    pass",
            "data=b''",
            "try:",
            "    while True:",
            "        b=s.recv(65536)",
            "        if not b: break",
            "        data+=b",
            "    print(data.decode().strip()); print('EOF')",
            "except socket.timeout:",
            "    print(data.decode().strip()); print('STILL OPEN')");

    @Test
    void anOutsiderGetsPermissionDeniedAndIsClosedWhateverItSends() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (AdminServer server = TestSockets.start(dir, operations)) {
            // The modes opened by mistake: only SO_PEERCRED stands between the outsider and the agent.
            Files.setPosixFilePermissions(socket().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(server.socketPath(), PosixFilePermissions.fromString("rw-rw-rw-"));
            for (String sent :
                    List.of("garbage\ngarbage\n{\n", "", "x".repeat(100_000), request("r", "status", "{}") + "\n")) {
                Process process = OtherUser.outsider(OUTSIDER, socket().toString(), sent);
                String output =
                        new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
                List<String> lines = output.strip().lines().toList();
                assertEquals(2, lines.size(), output);
                assertEquals(
                        "PERMISSION_DENIED",
                        json(lines.get(0)).at("/error/code").textValue(),
                        output);
                assertEquals("EOF", lines.get(1), "closed after the refusal, having sent " + sent.length() + " bytes");
            }
            assertEquals(0, operations.revision());
        }
    }

    @Test
    void idleAndSlowClientsAreClosedWhileOthersAreServed() throws Exception {
        AdminServerConfig config = AdminServerConfig.defaults(socket(), "root").withIdleTimeout(Duration.ofMillis(300));
        try (AdminServer server = TestSockets.start(config, operations);
                SocketChannel idle = connect(server.socketPath());
                SocketChannel slow = connect(server.socketPath())) {
            send(slow, "{\"v\":1,\"id\":\"sl"); // never finishes its line
            long start = System.nanoTime();
            JsonNode other = json(roundTrip(server.socketPath(), request("fast", "status", "{}")));
            assertTrue(other.get("ok").booleanValue());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 250, "not blocked by slow clients");
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                assertNull(readLine(idle), "idle connection closed");
                assertNull(readLine(slow), "slow-loris connection closed");
            });
            waitFor(() -> server.openConnections() == 0);
        }
    }

    @Test
    void aClientThatDoesNotReadItsAnswerIsClosedAndItsAnswerDropped() throws Exception {
        for (int i = 0; i < 5_000; i++) {
            operations.addForward(
                    dev.natagent.agent.model.Forward.single(
                            "f" + i,
                            dev.natagent.agent.model.Protocol.TCP,
                            10_000 + i,
                            dev.natagent.agent.model.Target.parse("10.0.1." + (1 + i % 250) + ":6379")),
                    false);
        }
        AdminServerConfig config = AdminServerConfig.defaults(socket(), "root").withIdleTimeout(Duration.ofMillis(500));
        try (AdminServer server = TestSockets.start(config, operations);
                SocketChannel reader = connect(server.socketPath())) {
            send(reader, request("l", "forward.list", "{}") + "\n");
            // Megabytes of answer, never read: more than the socket buffers take, so the agent holds the rest.
            waitFor(() -> server.openConnections() == 0);
            assertTrue(json(roundTrip(server.socketPath(), request("s", "status", "{}")))
                    .get("ok")
                    .booleanValue());
        }
    }

    /** Opens argv[2] connections, sends status on each; prints "ok" or "closed" per connection. */
    private static final String MEMBER_CONNECTIONS = String.join(
            "\n",
            "import socket,sys",
            "ss=[]",
            "for i in range(int(sys.argv[2])):",
            "    s=socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1]); ss.append(s)",
            "for s in ss:",
            "    try:",
            "        s.sendall(sys.argv[3].encode()+b'\\n'); line=s.makefile().readline()",
            "    except OSError:",
            "        line=''",
            "    print('ok' if '\"ok\":true' in line else 'closed')");

    @Test
    void connectionsBeyondTheLimitsAreClosedAtOnceAndOneUserCannotTakeThemAll() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        AdminServerConfig config = AdminServerConfig.defaults(socket(), "root").withMaxConnections(32);
        List<SocketChannel> mine = new ArrayList<>();
        try (AdminServer server = TestSockets.start(config, operations)) {
            for (int i = 0; i < 30; i++) {
                mine.add(connect(server.socketPath()));
            }
            waitFor(() -> server.openConnections() == 30);
            try (SocketChannel oneTooMany = connect(server.socketPath())) {
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertNull(readLine(oneTooMany)));
            }
            // Another user (uid 65534, in the admin group by its gid) still gets the two connections left.
            Process member =
                    OtherUser.member(MEMBER_CONNECTIONS, socket().toString(), "3", request("m", "status", "{}"));
            String output = new String(member.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(member.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(List.of("ok", "ok", "closed"), output.strip().lines().toList(), output);
            for (SocketChannel open : mine.subList(0, 2)) {
                send(open, request("1", "status", "{}") + "\n");
                assertTrue(json(readLine(open)).get("ok").booleanValue(), "existing connections still served");
            }
        } finally {
            for (SocketChannel channel : mine) {
                channel.close();
            }
        }
    }

    @Test
    void aClientThatHalfClosesStillGetsItsAnswer() throws Exception {
        try (AdminServer server = TestSockets.start(dir, operations);
                SocketChannel channel = connect(server.socketPath())) {
            send(channel, request("h", "export", "{\"format\":\"json\"}") + "\n");
            channel.shutdownOutput();
            assertTrue(json(readLine(channel)).get("ok").booleanValue());
            assertNull(readLine(channel));
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (AdminServer server = TestSockets.start(dir, operations);
                SocketChannel channel = connect(server.socketPath())) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                batch.append(request("p" + i, i % 2 == 0 ? "status" : "forward.list", "{}"))
                        .append('\n');
            }
            send(channel, batch.toString());
            for (int i = 0; i < 20; i++) {
                assertEquals("p" + i, json(readLine(channel)).get("id").textValue());
            }
        }
    }

    @Test
    void fiftyConcurrentWritersEndInTheStateOfTheLastAcknowledgedAnswers() throws Exception {
        int clients = 50;
        int requestsPerClient = 40;
        List<String> names = List.of("a", "b", "c", "d", "e");
        List<Ack> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        try (AdminServer server = TestSockets.start(dir, operations)) {
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                threads.add(new Thread(() -> {
                    try (SocketChannel channel = connect(server.socketPath())) {
                        java.util.Random random = new java.util.Random(client);
                        for (int r = 0; r < requestsPerClient; r++) {
                            String name = names.get(random.nextInt(names.size()));
                            int port = 7000 + random.nextInt(8);
                            boolean add = random.nextBoolean();
                            String line = add
                                    ? request(
                                            client + "-" + r,
                                            "forward.add",
                                            "{\"forward\":{\"name\":\"" + name + "\",\"listen\":\"" + port
                                                    + "\",\"to\":[\"10.0.1." + (client + 1) + ":6379\"]}}")
                                    : request(client + "-" + r, "forward.remove", "{\"name\":\"" + name + "\"}");
                            send(channel, line + "\n");
                            JsonNode response = json(readLine(channel));
                            if (response.get("ok").booleanValue()) {
                                acknowledged.add(new Ack(add, response.get("result")));
                            }
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                threads.forEach(Thread::start);
                for (Thread thread : threads) {
                    thread.join();
                }
            });
        }
        // Replaying the acknowledged answers in revision order must give the server's final state.
        acknowledged.sort(java.util.Comparator.comparingLong(
                ack -> ack.result().get("revision").longValue()));
        java.util.Map<String, String> replayed = new java.util.TreeMap<>();
        long expectedRevision = 1;
        for (Ack ack : acknowledged) {
            assertEquals(expectedRevision++, ack.result().get("revision").longValue(), "no gaps, no duplicates");
            String name = ack.result().at("/forward/name").textValue();
            if (ack.add()) {
                assertNull(
                        replayed.put(
                                name,
                                ack.result().at("/forward/targets/0/target").textValue()),
                        name);
            } else {
                assertTrue(replayed.remove(name) != null, "acknowledged removal of a forward that was there");
            }
        }
        assertTrue(acknowledged.size() > 100, "enough conflicting changes went through: " + acknowledged.size());
        assertEquals(operations.revision(), acknowledged.size());
        java.util.Map<String, String> actual = new java.util.TreeMap<>();
        operations
                .state()
                .forwards()
                .forEach((name, f) -> actual.put(name, f.targets().get(0).toString()));
        assertEquals(replayed, actual);
    }

    @Test
    void tenThousandIdleConnectionsDoNotStopServiceNorBlowMemory() throws Exception {
        int count = 10_000;
        try (AdminServer server = TestSockets.start(dir, operations)) {
            long rssBefore = rssKib();
            Process holder = IdleConnections.hold(server.socketPath(), count);
            try {
                waitFor(() -> server.openConnections() == count);
                long start = System.nanoTime();
                assertTrue(json(roundTrip(server.socketPath(), request("1", "status", "{}")))
                        .get("ok")
                        .booleanValue());
                long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                long growthKib = rssKib() - rssBefore;
                System.out.printf(
                        "10000 idle connections: status answered in %d ms, RSS grew %d KiB%n", millis, growthKib);
                assertTrue(millis < 1_000, "served in " + millis + " ms next to " + count + " idle connections");
                assertTrue(growthKib < 64 * 1024, "RSS grew " + growthKib + " KiB for " + count + " idle connections");
            } finally {
                holder.destroy();
                holder.waitFor();
            }
            waitFor(() -> server.openConnections() == 0);
        }
    }

    private static long rssKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aPeerOutsideTheAdminGroupIsRefused() throws Exception {
        Path group = Files.writeString(dir.resolve("group"), "natadmin:x:4242:alice\n");
        Path passwd = Files.writeString(
                dir.resolve("passwd"),
                "alice:x:1001:1001::/:/bin/sh\nbob:x:1002:1002::/:/bin/sh\n" + "carol:x:1003:4242::/:/bin/sh\n");
        AccessPolicy policy = new AccessPolicy(999, "natadmin", new GroupDatabase(passwd, group));
        assertTrue(policy.permits(new Peer(0, 0, 1)), "root");
        assertTrue(policy.permits(new Peer(999, 999, 1)), "the agent's own uid");
        assertTrue(policy.permits(new Peer(1001, 1001, 1)), "listed member");
        assertTrue(policy.permits(new Peer(1003, 1003, 1)), "primary group in passwd");
        assertTrue(policy.permits(new Peer(1002, 4242, 1)), "running with the group as its gid");
        assertFalse(policy.permits(new Peer(1002, 1002, 1)), "not a member");
        assertFalse(policy.permits(Peer.UNKNOWN), "unknown peer");
        assertFalse(new AccessPolicy(999, "nosuchgroup", new GroupDatabase(passwd, group))
                .permits(new Peer(1001, 1001, 1)));
    }

    record Ack(boolean add, JsonNode result) {}

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
