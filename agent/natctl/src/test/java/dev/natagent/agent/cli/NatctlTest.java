package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.AdminServer;
import dev.natagent.agent.api.FakeOperations;
import dev.natagent.agent.api.TestSockets;
import dev.natagent.agent.config.ConfigException;
import dev.natagent.agent.config.ConfigFile;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.protocol.Finding;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.ElastiCacheGuide;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** natctl through the real picocli parser against an in-process agent socket with a fake service. */
class NatctlTest {
    @TempDir
    Path dir;

    private final FakeOperations operations = new FakeOperations();
    private AdminServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = TestSockets.start(dir, operations);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    /** Runs natctl against the test socket (args after the global --socket option). */
    private CliResult natctl(String... args) {
        return CliResult.natctl(server.socketPath(), args);
    }

    private static final String[] REDIS = ElastiCacheGuide.addRedis();

    @Test
    void forwardAddListGetRemove() {
        CliResult added = natctl(REDIS);
        assertEquals(0, added.exitCode(), added.err());
        assertTrue(added.out().startsWith("added forward redis (revision 1)"), added.out());
        assertEquals(1, operations.state().forwards().size());

        CliResult list = natctl("forward", "list");
        assertEquals(0, list.exitCode(), list.err());
        String[] lines = list.out().split("\n");
        assertTrue(lines[0].matches("NAME +LISTEN +ALLOW +SNAT +PKTS +BYTES +HEALTH"), lines[0]);
        assertTrue(
                lines[1].matches("redis +tcp 6379-6381 +198\\.51\\.100\\.27/32 +masquerade +0 +0B +unknown"), lines[1]);
        assertEquals("  6379 -> 10.0.1.230:6379 [unknown]", lines[2]);
        assertEquals("  6380 -> 10.0.1.231:6379 [unknown]", lines[3]);
        assertEquals(5, lines.length, list.out());

        CliResult get = natctl("--json", "forward", "get", "redis");
        assertEquals(0, get.exitCode(), get.err());
        JsonNode forward = parse(get.out());
        assertEquals("6379-6381", forward.get("listen").textValue());
        assertEquals("10.0.1.231", forward.at("/targets/1/address").textValue());

        CliResult removed = natctl("forward", "remove", "redis");
        assertEquals(0, removed.exitCode(), removed.err());
        assertEquals("removed forward redis (revision 2)\n", removed.out());
        assertTrue(operations.state().forwards().isEmpty());
    }

    @Test
    void aDnsTargetShowsItsResolvedAddress() {
        CliResult added = natctl("forward", "add", "mc", "--listen", "11211", "--to", "node-1.cache.example.com:11211");
        assertEquals(0, added.exitCode(), added.err());
        assertTrue(added.out().contains("11211 -> node-1.cache.example.com:11211 (10.0.1.99) [unknown]"), added.out());
        assertTrue(added.out().contains(" any "), "empty allow-list shown as any: " + added.out());
    }

    @Test
    void refusalsExitOneWithTheAgentsMessage() {
        natctl(REDIS);
        CliResult taken = natctl(REDIS);
        assertEquals(ExitCode.REFUSED, taken.exitCode());
        assertEquals("natctl: NAME_TAKEN: forward redis exists (field: name)\n", taken.err());
        assertEquals("", taken.out());

        CliResult json = natctl("--json", "forward", "remove", "nope");
        assertEquals(ExitCode.REFUSED, json.exitCode());
        assertEquals("NOT_FOUND", parse(json.out()).get("code").textValue());
        assertTrue(json.err().contains("there is no forward named 'nope'"), json.err());
    }

    @Test
    void forwardSetChangesOnlyTheFieldsGiven() {
        natctl(REDIS);
        CliResult set = natctl("forward", "set", "redis", "--to", "10.0.1.230:6379,10.0.1.231:6379,10.0.1.240:6379");
        assertEquals(0, set.exitCode(), set.err());
        assertTrue(
                set.out()
                        .startsWith("changed forward redis: to 10.0.1.230:6379,10.0.1.231:6379,10.0.1.232:6379 ->"
                                + " 10.0.1.230:6379,10.0.1.231:6379,10.0.1.240:6379 (revision 2)\n"),
                set.out());
        var redis = operations.state().forward("redis").orElseThrow();
        assertEquals("10.0.1.240:6379", redis.targets().get(2).toString());
        assertEquals("[198.51.100.27/32]", redis.allow().toString(), "allow-list stays");

        assertEquals(
                0,
                natctl("forward", "set", "redis", "--allow", "any", "--snat", "none")
                        .exitCode());
        redis = operations.state().forward("redis").orElseThrow();
        assertTrue(redis.allow().isEmpty(), "any admits every source");
        assertEquals("none", redis.returnPath().toString());
        assertEquals("10.0.1.240:6379", redis.targets().get(2).toString(), "targets stay");

        CliResult same = natctl("forward", "set", "redis", "--snat", "none");
        assertTrue(same.out().startsWith("forward redis unchanged (revision 3)"), same.out());

        CliResult json = natctl("--json", "forward", "set", "redis", "--allow", "10.0.0.0/8");
        assertEquals("allow any -> 10.0.0.0/8", parse(json.out()).get("changes").textValue());

        assertUsageError(natctl("forward", "set", "redis"), "nothing to change");
        assertUsageError(natctl("forward", "set", "redis", "--allow", "10.0.0.0/33"), "'--allow'");
        CliResult mismatch = natctl("forward", "set", "redis", "--to", "10.0.1.1:1");
        assertEquals(ExitCode.REFUSED, mismatch.exitCode(), mismatch.err());
        CliResult missing = natctl("forward", "set", "nope", "--snat", "none");
        assertEquals(ExitCode.REFUSED, missing.exitCode(), missing.err());
        assertEquals(4, operations.revision(), "refused changes changed nothing");
    }

    @Test
    void theSshPortNeedsForce() {
        String[] ssh = {"forward", "add", "ssh", "--listen", "22", "--to", "10.0.1.5:22"};
        assertEquals(ExitCode.REFUSED, natctl(ssh).exitCode());
        List<String> forced = new ArrayList<>(List.of(ssh));
        forced.add("--force");
        assertEquals(0, natctl(forced.toArray(String[]::new)).exitCode());
    }

    @Test
    void usageErrorsExitTwoWithoutContactingTheAgent() {
        CliResult badPort = natctl("forward", "add", "x", "--listen", "70000", "--to", "10.0.1.1:1");
        assertEquals(ExitCode.USAGE, badPort.exitCode());
        assertTrue(badPort.err().contains("Invalid value for option '--listen'"), badPort.err());
        assertTrue(badPort.err().contains("Try 'natctl forward add --help'"), badPort.err());

        CliResult mismatch = natctl("forward", "add", "x", "--listen", "1-3", "--to", "10.0.1.1:1");
        assertEquals(ExitCode.USAGE, mismatch.exitCode());
        assertTrue(mismatch.err().contains("TARGET_COUNT_MISMATCH"), mismatch.err());

        assertEquals(
                ExitCode.USAGE, natctl("forward", "add", "x", "--listen", "1").exitCode(), "missing --to");
        assertEquals(ExitCode.USAGE, natctl("frobnicate").exitCode());
        assertEquals(ExitCode.USAGE, natctl("export", "--format", "xml").exitCode());
        assertEquals(
                ExitCode.USAGE,
                natctl("outbound", "add", "p", "--source", "10.0.0.0/33", "--out", "ens5")
                        .exitCode());
        assertEquals(0, operations.revision(), "nothing reached the agent");
    }

    @Test
    void helpOnEveryCommand() {
        for (String[] command : List.of(
                new String[] {"--help"},
                new String[] {"status", "--help"},
                new String[] {"forward", "add", "--help"},
                new String[] {"forward", "list", "--help"},
                new String[] {"outbound", "remove", "--help"},
                new String[] {"apply", "--help"},
                new String[] {"metrics", "--help"},
                new String[] {"doctor", "--help"})) {
            CliResult help = CliResult.natctl(command);
            assertEquals(0, help.exitCode(), String.join(" ", command));
            assertTrue(help.out().startsWith("Usage: natctl"), help.out());
        }
    }

    @Test
    void outboundAddListRemove() {
        assertEquals(
                0,
                natctl("outbound", "add", "private", "--source", "10.0.0.0/16,10.1.0.0/16", "--out", "ens5")
                        .exitCode());
        CliResult list = natctl("outbound", "list");
        assertTrue(list.out().contains("private  10.0.0.0/16,10.1.0.0/16  ens5"), list.out());
        CliResult removed = natctl("outbound", "remove", "private");
        assertEquals(new CliResult(0, "removed outbound private (revision 2)\n", ""), removed);
        assertEquals(ExitCode.REFUSED, natctl("outbound", "remove", "private").exitCode());
    }

    @Test
    void clusterAddRefreshRemove() {
        CliResult added = natctl(
                "cluster",
                "add",
                "orders",
                "--engine",
                "redis",
                "--endpoint",
                "10.0.1.10:6379",
                "--listen",
                "7000-7009");
        assertEquals(
                new CliResult(
                        0,
                        "added cluster orders (revision 1); its nodes get forwards from the first poll:"
                                + " natctl cluster get orders\n",
                        ""),
                added);
        assertEquals(
                new CliResult(0, "polled cluster orders: 0 nodes (revision 1)\n", ""),
                natctl("cluster", "refresh", "orders"));
        assertEquals(
                new CliResult(0, "removed cluster orders (revision 2)\n", ""), natctl("cluster", "remove", "orders"));
        assertEquals(2, operations.revision());
    }

    @Test
    void applyDryRunThenApplyAndExport() throws Exception {
        Path file = Files.writeString(
                dir.resolve("state.json"),
                "{\"forwards\":[{\"name\":\"redis\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"]}],"
                        + "\"outbounds\":[{\"name\":\"p\",\"source\":[\"10.0.0.0/16\"],\"out\":\"ens5\"}]}");
        CliResult dry = natctl("apply", file.toString(), "--dry-run");
        assertEquals(0, dry.exitCode(), dry.err());
        assertEquals("+ forward redis\n+ outbound p\ndry run: nothing changed\n", dry.out());
        assertTrue(operations.state().forwards().isEmpty());

        CliResult applied = natctl("apply", file.toString());
        assertEquals("+ forward redis\n+ outbound p\napplied (revision 1)\n", applied.out());

        Files.writeString(
                file,
                "{\"forwards\":[{\"name\":\"redis\",\"listen\":\"6379\",\"to\":[\"10.0.1.240:6379\"],\"snat\":\"none\"}],"
                        + "\"outbounds\":[{\"name\":\"p\",\"source\":[\"10.0.0.0/16\"],\"out\":\"ens6\"}]}");
        assertEquals(
                "~ forward redis: to 10.0.1.230:6379 -> 10.0.1.240:6379; snat masquerade -> none\n"
                        + "~ outbound p: out ens5 -> ens6\ndry run: nothing changed\n",
                natctl("apply", "--dry-run", file.toString()).out());
        Files.writeString(
                file,
                "{\"forwards\":[{\"name\":\"redis\",\"listen\":\"6379\",\"to\":[\"10.0.1.230:6379\"]}],"
                        + "\"outbounds\":[{\"name\":\"p\",\"source\":[\"10.0.0.0/16\"],\"out\":\"ens5\"}]}");

        CliResult export = natctl("export");
        assertEquals(0, export.exitCode());
        assertEquals(operations.state(), ModelJson.read(export.out(), dev.natagent.agent.model.NatState.class));
        assertEquals(
                "table ip nat_agent {\n}\n", natctl("export", "--format", "nft").out());
    }

    @Test
    void applyOfAFileThatIsNotJsonIsAUsageError() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), "forwards: []");
        CliResult result = natctl("apply", file.toString());
        assertEquals(ExitCode.USAGE, result.exitCode());
        assertTrue(result.err().contains("bad.json: not a JSON document"), result.err());
        Path unquoted = Files.writeString(dir.resolve("unquoted.json"), "{forwards: []}");
        CliResult syntax = natctl("apply", unquoted.toString());
        assertEquals(ExitCode.USAGE, syntax.exitCode());
        assertTrue(syntax.err().startsWith("natctl: " + unquoted + ":1:2: not valid JSON: "), syntax.err());
        assertEquals(
                ExitCode.USAGE,
                natctl("apply", dir.resolve("missing.json").toString()).exitCode());
    }

    /**
     * A document too large for one request goes as the file's own bytes: the agent parses them
     * (repeated keys too), and its errors name lines of the very file; what natctl says of a small
     * document (not UTF-8, not an object, not JSON) it says of a refused large one too.
     */
    @Test
    void aLargeDocumentGoesAsItsTextAndTheAgentsErrorsNameItsLines() throws Exception {
        int count = 8_000;
        StringBuilder text = new StringBuilder("{\n  \"forwards\": [\n");
        for (int i = 0; i < count; i++) {
            text.append("    {\"name\": \"f")
                    .append(i)
                    .append("\", \"listen\": \"")
                    .append(10_000 + i);
            text.append("\", \"to\": [\"10.0.1.").append(1 + i % 200).append(":6379\"]}");
            text.append(i < count - 1 ? ",\n" : "\n");
        }
        String document = text.append("  ]\n}\n").toString();
        assertTrue(document.length() > ApplyUpload.SINGLE_REQUEST_BYTES, "goes as its raw bytes");

        CliResult applied = natctl(
                "apply", Files.writeString(dir.resolve("big.json"), document).toString());
        assertEquals(0, applied.exitCode(), applied.err());
        assertEquals(count, operations.state().forwards().size());

        // Forward f4000 is on line 4,003 of the file.
        String repeated = document.replace("\"listen\": \"14000\",", "\"listen\": \"14000\", \"listen\": \"14001\",");
        CliResult refused = natctl(
                "apply", Files.writeString(dir.resolve("twice.json"), repeated).toString());
        assertEquals(ExitCode.REFUSED, refused.exitCode());
        assertTrue(refused.err().contains("Duplicate field 'listen'"), refused.err());
        assertTrue(refused.err().startsWith("natctl: " + dir.resolve("twice.json") + ":4003:"), refused.err());
        assertEquals(count, operations.state().forwards().size(), "nothing applied");

        Path latin1 = Files.write(
                dir.resolve("latin1.json"),
                document.replace("\"f1\"", "\"f\u00e91\"").getBytes(StandardCharsets.ISO_8859_1));
        assertUsageError(natctl("apply", latin1.toString()), ": not UTF-8 text");
        Path array = Files.writeString(dir.resolve("array.json"), "[" + document + "]");
        assertUsageError(natctl("apply", array.toString()), "does not hold a JSON object");
        Path cut = Files.writeString(dir.resolve("cut.json"), document.substring(0, document.length() / 2));
        assertUsageError(natctl("apply", cut.toString()), ": not valid JSON");
        // Over what the agent takes: refused before anything is sent (and without reading it all).
        Path huge = dir.resolve("huge.json");
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(
                huge, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap(new byte[] {'{'}), AdminProtocol.MAX_UPLOAD);
        }
        assertUsageError(natctl("apply", huge.toString()), "huge.json: larger than the 16777216 bytes the agent takes");
        assertEquals(count, operations.state().forwards().size(), "nothing applied");
    }

    /** A typo in an allow-list must not open a network: refused with both readings, the agent not asked. */
    @Test
    void aCidrWithHostBitsAndAWildcardAloneAreUsageErrors() throws Exception {
        assertUsageError(
                natctl(
                        "forward",
                        "add",
                        "redis",
                        "--listen",
                        "6379",
                        "--to",
                        "10.0.1.230:6379",
                        "--allow",
                        "198.51.100.27/24"),
                "did you mean 198.51.100.27/32 (one address) or 198.51.100.0/24 (256 addresses)?");
        assertUsageError(natctl("outbound", "add", "all", "--source", "10.0.0.0/16", "--out", "*"), "'*'");
        assertEquals(
                0,
                operations.state().forwards().size()
                        + operations.state().outbounds().size());
    }

    private static void assertUsageError(CliResult result, String message) {
        assertEquals(ExitCode.USAGE, result.exitCode(), result.err());
        assertTrue(result.err().contains(message), result.err());
    }

    /**
     * Every error about a file names it as FILE:LINE:COLUMN, whichever way the document went (one
     * request or its raw bytes) and whoever found the error (natctl or the agent), and says what is wrong
     * in words: no parser internals, no Java class names.
     */
    @Test
    void fileErrorsNameFileLineColumnAndField() throws Exception {
        String document = "{\n  \"forwards\": [\n    {\"name\": \"a\", \"listen\": \"1\", \"to\": [\"10.0.1.1:1\"]},\n"
                + "    {\"name\": \"b\", \"listen\": \"2\", \"to\": [\"10.0.1.1:2\"], \"snat\": \"maskerade\"}\n  ]\n}\n";
        Path small = Files.writeString(dir.resolve("small.json"), document);
        CliResult refused = natctl("apply", small.toString());
        assertEquals(ExitCode.REFUSED, refused.exitCode(), refused.err());
        String where = small + ":" + lineAndColumn(document, "\"maskerade\"") + ": forwards[1].snat: ";
        assertTrue(refused.err().startsWith("natctl: " + where), refused.err());
        assertEquals(
                "natctl: "
                        + assertThrows(ConfigException.class, () -> ConfigFile.load(small))
                                .getMessage() + "\n",
                refused.err(),
                "the daemon says the same of the same file as its --config");
        JsonNode json = parse(natctl("--json", "apply", small.toString()).out());
        assertEquals("forwards[1].snat", json.get("field").textValue());
        assertEquals(small.toString(), json.get("file").textValue());
        assertEquals(4, json.get("line").intValue());

        // The same forwards after 12,000 others: the document goes as its raw bytes, the agent parses them.
        StringBuilder big = new StringBuilder("{\n  \"forwards\": [\n");
        for (int i = 0; i < 12_000; i++) {
            big.append("    {\"name\": \"f")
                    .append(i)
                    .append("\", \"listen\": \"")
                    .append(10_000 + i);
            big.append("\", \"to\": [\"10.0.1.1:1\"]},\n");
        }
        String large = big.append(document.substring(document.indexOf("    {\"name\": \"a\"")))
                .toString();
        assertTrue(large.length() > ApplyUpload.SINGLE_REQUEST_BYTES, "goes as its raw bytes");
        Path raw = Files.writeString(dir.resolve("large.json"), large);
        CliResult refusedLarge = natctl("apply", raw.toString());
        assertEquals(ExitCode.REFUSED, refusedLarge.exitCode(), refusedLarge.err());
        assertTrue(
                refusedLarge
                        .err()
                        .startsWith("natctl: " + raw + ":" + lineAndColumn(large, "\"maskerade\"")
                                + ": forwards[12001].snat: "),
                refusedLarge.err());
        assertFalse(refusedLarge.err().contains("(line "), "one location, not two: " + refusedLarge.err());
        assertEquals(
                "natctl: "
                        + assertThrows(ConfigException.class, () -> ConfigFile.load(raw))
                                .getMessage() + "\n",
                refusedLarge.err());

        String missingComma = document.replace("\"listen\": \"1\",", "\"listen\": \"1\"");
        Path syntax = Files.writeString(dir.resolve("syntax.json"), missingComma);
        CliResult bad = natctl("apply", syntax.toString());
        assertEquals(ExitCode.USAGE, bad.exitCode(), bad.err());
        assertTrue(
                bad.err()
                        .startsWith("natctl: " + syntax + ":" + lineAndColumn(missingComma, "\"to\"")
                                + ": not valid JSON: "),
                bad.err());

        CliResult passwd = natctl(
                "apply",
                Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n")
                        .toString());
        assertEquals(ExitCode.USAGE, passwd.exitCode());
        assertTrue(passwd.err().contains("passwd: not a JSON document"), passwd.err());

        CliResult missing = natctl("apply", dir.resolve("missing.json").toString());
        assertEquals(
                "natctl: cannot read " + dir.resolve("missing.json") + ": No such file or directory\n", missing.err());
        CliResult directory = natctl("apply", dir.toString());
        assertEquals("natctl: cannot read " + dir + ": Is a directory\n", directory.err());
        for (CliResult result : List.of(refused, refusedLarge, bad, passwd, missing, directory)) {
            assertFalse(result.err().matches("(?s).*(java\\.|Exception|Unrecognized token).*"), result.err());
        }
        assertEquals(0, operations.revision(), "nothing applied");
    }

    /**
     * {@code apply -} reads stdin, and its errors place the problem in "<stdin>", never in a file
     * named "-" or "stdin": the agent's refusals, syntax errors, and in --json the file field.
     */
    @Test
    void stdinIsNamedAsSuch() {
        String document = "{\n  \"forwards\": [\n    {\"name\": \"a\", \"listen\": \"1\", \"to\": [\"10.0.1.1:1\"],"
                + " \"snat\": \"maskerade\"}\n  ]\n}\n";
        CliResult refused = CliResult.natctlWithInput(server.socketPath(), document, "apply", "-");
        assertEquals(ExitCode.REFUSED, refused.exitCode(), refused.err());
        assertTrue(
                refused.err()
                        .startsWith(
                                "natctl: <stdin>:" + lineAndColumn(document, "\"maskerade\"") + ": forwards[0].snat: "),
                refused.err());
        JsonNode json = parse(CliResult.natctlWithInput(server.socketPath(), document, "--json", "apply", "-")
                .out());
        assertEquals("<stdin>", json.get("file").textValue());
        assertEquals(3, json.get("line").intValue());

        String broken = "{\n  \"forwards\": [}\n";
        CliResult syntax = CliResult.natctlWithInput(server.socketPath(), broken, "apply", "-");
        assertEquals(ExitCode.USAGE, syntax.exitCode(), syntax.err());
        assertTrue(syntax.err().startsWith("natctl: <stdin>:2:16: not valid JSON: "), syntax.err());
        CliResult empty = CliResult.natctlWithInput(server.socketPath(), "", "apply", "-");
        assertTrue(empty.err().startsWith("natctl: <stdin>: not a JSON document"), empty.err());
        assertEquals(0, operations.revision(), "nothing applied");

        // A document too large for one request goes as its raw bytes, and is still "<stdin>".
        StringBuilder big = new StringBuilder("{\n  \"forwards\": [\n");
        for (int i = 0; i < 10_000; i++) {
            big.append("    {\"name\": \"f")
                    .append(i)
                    .append("\", \"listen\": \"")
                    .append(10_000 + i);
            big.append("\", \"to\": [\"10.0.1.1:1\"]},\n");
        }
        String large = big.append(document.substring(document.indexOf("    {\"name\": \"a\"")))
                .toString();
        assertTrue(large.length() > ApplyUpload.SINGLE_REQUEST_BYTES, "goes as its raw bytes");
        CliResult refusedLarge = CliResult.natctlWithInput(server.socketPath(), large, "apply", "-");
        assertEquals(ExitCode.REFUSED, refusedLarge.exitCode(), refusedLarge.err());
        assertTrue(
                refusedLarge
                        .err()
                        .startsWith("natctl: <stdin>:" + lineAndColumn(large, "\"maskerade\"")
                                + ": forwards[10000].snat: "),
                refusedLarge.err());
        String cut = large.substring(0, large.length() / 2);
        CliResult cutLarge = CliResult.natctlWithInput(server.socketPath(), cut, "apply", "-");
        assertEquals(ExitCode.USAGE, cutLarge.exitCode(), cutLarge.err());
        assertTrue(cutLarge.err().startsWith("natctl: <stdin>:"), cutLarge.err());
        assertTrue(cutLarge.err().contains(": not valid JSON: "), cutLarge.err());
        assertEquals(0, operations.revision(), "nothing applied");

        String good = document.replace("maskerade", "masquerade");
        CliResult applied = CliResult.natctlWithInput(server.socketPath(), good, "apply", "-");
        assertEquals(0, applied.exitCode(), applied.err());
        assertEquals(1, operations.state().forwards().size());
    }

    /** "LINE:COLUMN" of the first {@code text} in {@code document}, counted as editors do (from 1). */
    private static String lineAndColumn(String document, String text) {
        int at = document.indexOf(text);
        int lineStart = document.lastIndexOf('\n', at) + 1;
        long line = document.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        return line + ":" + (at - lineStart + 1);
    }

    @Test
    void jsonForEveryOutcomeIncludingUsageErrors() {
        CliResult usage = natctl("--json", "frobnicate");
        assertEquals(ExitCode.USAGE, usage.exitCode());
        assertEquals("USAGE", parse(usage.out()).get("code").textValue());
        CliResult suggestion = natctl("--json", "froward", "list");
        assertEquals("forward", parse(suggestion.out()).at("/suggestions/0").textValue());
        CliResult missing = natctl("forward", "add", "x", "--json", "--listen", "1");
        assertEquals(ExitCode.USAGE, missing.exitCode());
        assertTrue(parse(missing.out()).get("message").textValue().contains("--to"), missing.out());
        CliResult unreachable =
                CliResult.natctl("--json", "--socket", dir.resolve("none.sock").toString(), "status");
        assertEquals(ExitCode.UNREACHABLE, unreachable.exitCode());
        assertEquals("UNREACHABLE", parse(unreachable.out()).get("code").textValue());
        assertEquals("", natctl("frobnicate").out(), "without --json, errors stay off stdout");
    }

    @Test
    void didYouMeanForCommandsAndOptions() {
        CliResult command = natctl("froward", "list");
        assertEquals(ExitCode.USAGE, command.exitCode());
        assertEquals(
                "natctl: unknown command 'froward'\nDid you mean: forward?\nTry 'natctl --help' for more information.\n",
                command.err());
        CliResult option = natctl("forward", "add", "redis", "--lisen", "6379", "--to", "10.0.1.230:6379");
        assertEquals(ExitCode.USAGE, option.exitCode());
        assertTrue(
                option.err().startsWith("natctl: unknown option '--lisen'\nDid you mean: --listen?\n"), option.err());
        assertTrue(natctl("forward", "lst").err().contains("Did you mean: list?"));
    }

    @Test
    void quietPrintsNothingOnSuccess() throws Exception {
        CliResult added = natctl("forward", "add", "-q", "redis", "--listen", "6379", "--to", "10.0.1.230:6379");
        assertEquals(0, added.exitCode(), added.err());
        assertEquals("", added.out());
        assertEquals(
                "",
                natctl("forward", "set", "redis", "--snat", "none", "--quiet").out());
        Path file = Files.writeString(dir.resolve("q.json"), "{\"forwards\":[]}");
        assertEquals("", natctl("apply", "-q", file.toString()).out());
        assertEquals(
                "",
                natctl("outbound", "add", "-q", "p", "--source", "10.0.0.0/16", "--out", "ens5")
                        .out());
        assertEquals("", natctl("outbound", "remove", "-q", "p").out());
        assertEquals(5, operations.revision());
        CliResult failed = natctl("forward", "remove", "-q", "redis");
        assertEquals(ExitCode.REFUSED, failed.exitCode());
        assertTrue(failed.err().contains("NOT_FOUND"), "errors still say why: " + failed.err());
    }

    /** What {@code natctl --json export} prints is a state document: natctl apply takes it back as it is. */
    @Test
    void jsonExportAppliesBackUnchanged() throws Exception {
        natctl(REDIS);
        natctl("outbound", "add", "p", "--source", "10.0.0.0/16", "--out", "ens5");
        for (String[] export :
                List.of(new String[] {"--json", "export"}, new String[] {"export", "--json", "--format", "json"})) {
            CliResult exported = natctl(export);
            assertEquals(0, exported.exitCode(), exported.err());
            assertEquals(operations.state(), ModelJson.read(exported.out(), dev.natagent.agent.model.NatState.class));
            Path file = Files.writeString(dir.resolve("export.json"), exported.out());
            CliResult applied = natctl("apply", file.toString());
            assertEquals("no changes\n", applied.out(), applied.err());
        }
        JsonNode nft = parse(natctl("--json", "export", "--format", "nft").out());
        assertEquals("nft", nft.get("format").textValue(), "a text export stays wrapped in JSON");
    }

    @Test
    void invalidStateInAFileIsRefusedByTheAgent() throws Exception {
        Path file = Files.writeString(
                dir.resolve("s.json"),
                "{\"forwards\":[{\"name\":\"Bad Name\",\"listen\":\"1\"," + "\"to\":[\"10.0.1.1:1\"]}]}");
        CliResult result = natctl("apply", file.toString());
        assertEquals(ExitCode.REFUSED, result.exitCode());
        assertTrue(result.err().startsWith("natctl: " + file + ":1:22: forwards[0].name: "), result.err());
    }

    @Test
    void metricsAndStatus() {
        CliResult prometheus = natctl("metrics", "--format", "prometheus");
        assertEquals("# TYPE nat_agent_forwards gauge\nnat_agent_forwards 0\n", prometheus.out());
        assertTrue(parse(natctl("metrics").out()).has("gauges"), "JSON metrics printed as an object");
        CliResult status = natctl("status");
        assertEquals(0, status.exitCode());
        assertTrue(status.out().contains("health             ok"), status.out());
        assertEquals("ok", parse(natctl("--json", "status").out()).get("health").textValue());
    }

    @Test
    void doctorExitsOneWhenAFindingIsAnError() {
        assertEquals(0, natctl("doctor").exitCode());
        operations.findings(List.of(new Finding(
                Finding.Severity.ERROR, "ip_forward", "net.ipv4.ip_forward is 0", "sysctl -w net.ipv4.ip_forward=1")));
        CliResult doctor = natctl("doctor");
        assertEquals(ExitCode.REFUSED, doctor.exitCode());
        assertTrue(doctor.out().contains("error     ip_forward  net.ipv4.ip_forward is 0"), doctor.out());

        operations.findings(List.of(
                new Finding(Finding.Severity.OK, "ip_forward", "net.ipv4.ip_forward is 1", ""),
                new Finding(
                        Finding.Severity.UNCHECKED,
                        "legacy_iptables",
                        "whether a legacy nat table exists cannot be read",
                        "as root: grep -qx nat /proc/net/ip_tables_names && iptables-legacy-save -t nat")));
        CliResult unchecked = natctl("doctor");
        assertEquals(0, unchecked.exitCode(), "a check that could not be made is not a fault found");
        assertTrue(unchecked.out().contains("unchecked  legacy_iptables  whether"), unchecked.out());
        assertTrue(unchecked.out().endsWith("\n1 ok, 0 warnings, 0 errors, 1 unchecked\n"), unchecked.out());
        assertEquals(
                1,
                parse(natctl("--json", "doctor").out()).at("/summary/unchecked").intValue());
    }

    @Test
    void unreachableAgentExitsThreeNamingTheSocketAndWhy() throws Exception {
        Path missing = dir.resolve("nothing.sock");
        CliResult notRunning = CliResult.natctl("--socket", missing.toString(), "status");
        assertEquals(ExitCode.UNREACHABLE, notRunning.exitCode());
        assertTrue(
                notRunning.err().contains("cannot reach nat-agent at " + missing + ": no such socket"),
                notRunning.err());

        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale));
        }
        CliResult refused = CliResult.natctl("--socket", stale.toString(), "forward", "list");
        assertEquals(ExitCode.UNREACHABLE, refused.exitCode());
        assertTrue(refused.err().contains("connection refused"), refused.err());
    }

    /** --socket, --json and --timeout are inherited: accepted before, between and after command names. */
    @Test
    void globalOptionsWorkBeforeBetweenAndAfterTheCommandNames() {
        natctl(REDIS);
        String socket = server.socketPath().toString();
        List<String[]> placements = List.of(
                new String[] {"--socket", socket, "--json", "--timeout", "5", "forward", "list"},
                new String[] {"forward", "--json", "--socket", socket, "list", "--timeout", "5"},
                new String[] {"forward", "list", "--timeout", "5", "--socket", socket, "--json"});
        for (String[] args : placements) {
            CliResult list = CliResult.natctl(args);
            assertEquals(0, list.exitCode(), String.join(" ", args) + ": " + list.err());
            assertEquals("redis", parse(list.out()).at("/forwards/0/name").textValue(), list.out());
        }
        CliResult late = CliResult.natctl("status", "--timeout", "x", "--socket", socket);
        assertEquals(ExitCode.USAGE, late.exitCode());
        assertEquals(
                "natctl: Invalid value for option '--timeout': 'x' is not an int\n"
                        + "Try 'natctl status --help' for more information.\n",
                late.err());
    }

    @Test
    void socketFromTheEnvironmentVariableIsTheDefault() {
        // picocli resolves ${env:NATCTL_SOCKET:-...}; without the variable the documented default applies.
        CliResult help = CliResult.natctl("--help");
        assertTrue(
                help.out().contains(System.getenv().getOrDefault("NATCTL_SOCKET", "/run/nat-agent/admin.sock")),
                help.out());
    }

    @Test
    void completionScriptComesFromTheSameDefinitions() {
        CliResult completion = CliResult.natctl("completion");
        assertEquals(0, completion.exitCode());
        assertTrue(completion.out().contains("complete -F _complete_natctl"), "bash completion registered");
        assertTrue(completion.out().contains("--listen"), "forward add options completed");
        assertTrue(completion.out().contains("prometheus"), "metrics formats completed");
    }

    private static JsonNode parse(String json) {
        try {
            return TestJson.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
