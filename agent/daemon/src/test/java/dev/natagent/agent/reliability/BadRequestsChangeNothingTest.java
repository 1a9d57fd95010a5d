package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.testing.AdminClient;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.Fuzz;
import dev.natagent.testing.KernelTests;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad requests change nothing, against the real daemon in a namespace: a stream of generated bad requests
 * (malformed JSON, wrong types, invalid forwards, conflicting ports and names, unknown ops, deep
 * nesting, oversized lines) through the admin socket. Each is refused with a typed error, the
 * daemon keeps answering, and the state files and {@code nft list table ip nat_agent} are
 * byte-identical: checked around every request of the first {@value #EXACT} and every
 * {@value #BATCH} requests and at the end. 2000 requests by default (seconds);
 * {@code -Dnatagent.fuzz.cases=100000} for the published figure.
 */
@Tag(KernelTests.TAG)
class BadRequestsChangeNothingTest {
    private static final int EXACT = 200;
    private static final int BATCH = 100;
    private static final String JSONISH = "{}[]\":,0123456789.-truefalsnl vidopargsxyz\\";
    private static final String REDIS = "{\"name\":\"redis\",\"listen\":\"6379-6381\","
            + "\"to\":[\"10.0.1.230:6379\",\"10.0.1.231:6379\",\"10.0.1.232:6379\"],\"allow\":[\"198.51.100.27/32\"]}";
    private static final String MEMCACHED =
            "{\"name\":\"memcached\",\"proto\":\"tcp\",\"listen\":\"11211\",\"to\":[\"10.0.1.240:11211\"]}";
    /** Each refused for one reason: the forward is otherwise valid and its port free. */
    private static final List<String> BAD_FORWARDS = List.of(
            "{\"name\":\"a\",\"listen\":\"0\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"a\",\"listen\":\"65536\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"a\",\"listen\":-1,\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"a\",\"listen\":\"9000-8999\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"a\",\"listen\":\"9000-9002\",\"to\":[\"10.0.1.9:80\",\"10.0.1.9:81\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\",\"10.0.1.9:81\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:0\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:70000\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"10.0.1.300:80\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"10.0.1.9\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"-bad-.example:80\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"],\"allow\":[\"198.51.100.0/33\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"],\"allow\":[\"300.51.100.0/24\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"],\"snat\":\"10.0.0.256\"}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"],\"proto\":\"sctp\"}",
            "{\"name\":\"\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"Upper\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"../etc\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"a b\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"" + "x".repeat(64) + "\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"],\"colour\":\"red\"}",
            "{\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"a\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"a\",\"listen\":{},\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"a\",\"listen\":\"9000\",\"to\":[null]}",
            "{\"name\":7,\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"]}",
            // conflicts with what is there
            "{\"name\":\"a\",\"listen\":\"6380\",\"to\":[\"10.0.1.9:80\"]}",
            "{\"name\":\"a\",\"listen\":\"11200-11211\",\"to\":[" + "\"10.0.1.9:80\",".repeat(11) + "\"10.0.1.9:80\"]}",
            "{\"name\":\"redis\",\"listen\":\"9000\",\"to\":[\"10.0.1.9:80\"]}",
            REDIS,
            MEMCACHED);

    private static final List<String> BAD_REQUESTS = List.of(
            "{\"v\":1,\"id\":\"x\",\"op\":\"forward.remove\",\"args\":{\"name\":\"nosuch\"}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"forward.remove\",\"args\":{}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"forward.remove\",\"args\":{\"name\":[\"redis\"]}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"outbound.remove\",\"args\":{\"name\":\"nosuch\"}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"outbound.add\",\"args\":{\"outbound\":{\"name\":\"p\",\"source\":[\"10.0.0.0/40\"],\"out\":\"ens5\"}}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"outbound.add\",\"args\":{\"outbound\":{\"name\":\"p\",\"source\":[\"10.0.0.0/16\"],\"out\":\"an-interface-name-too-long\"}}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"apply\",\"args\":{\"state\":{\"forwards\":[" + REDIS + "," + REDIS + "]}}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"apply\",\"args\":{\"state\":{\"schema_version\":99}}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"apply\",\"args\":{\"state\":[]}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"reload\"}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"forward.delete\",\"args\":{\"name\":\"redis\"}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"flush\"}",
            "{\"v\":1,\"id\":\"x\",\"op\":null}",
            "{\"v\":2,\"id\":\"x\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}}",
            "{\"v\":\"1\",\"id\":\"x\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}}",
            "{\"v\":1,\"id\":5,\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}}",
            "{\"v\":1,\"id\":\"\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}}",
            "{\"v\":1,\"id\":\"" + "i".repeat(129) + "\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"},\"sudo\":true}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"forward.remove\",\"args\":[\"redis\"]}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\",\"force\":true}}",
            "[{\"v\":1,\"id\":\"x\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}}]",
            "{\"v\":1,\"id\":\"x\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}",
            "{\"v\":1,\"id\":\"x\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}}}",
            "\"forward.remove\"",
            "null");

    @TempDir
    Path dir;

    @Test
    void refusedRequestsLeaveStateFilesAndKernelTableAsTheyWere() throws Exception {
        KernelTests.requireKernel();
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            assertTrue(agent.call("forward.add", "{\"forward\":" + REDIS + "}")
                    .path("ok")
                    .asBoolean());
            assertTrue(agent.call("forward.add", "{\"forward\":" + MEMCACHED + "}")
                    .path("ok")
                    .asBoolean());
            Run run = new Run(agent);
            try {
                // A request the daemon never answers fails its case as a hang (Fuzz's per-case timeout).
                Fuzz.run(2_000, gen -> run.one(line(gen)));
            } finally {
                run.close();
            }
            run.checkUnchanged("at the end");
            assertTrue(agent.isAlive(), "the daemon is still running");
            assertTrue(agent.call("status", "{}").path("ok").asBoolean(), "and answering");
            System.out.printf(
                    "RELIABILITY item1 (bad requests, real daemon): %d requests, %d refused, 0 state or table"
                            + " changes (%d checked one by one, %d batch checks), %d oversized lines, error codes %s,"
                            + " daemon peak RSS %d MiB%n",
                    run.sent,
                    run.refused,
                    Math.min(EXACT, run.sent),
                    run.batchChecks,
                    run.oversized,
                    run.codes,
                    agent.peakRssKib() / 1024);
        }
    }

    /** The stream's bookkeeping: one connection, reopened when the daemon closes it. */
    private static final class Run {
        private final AgentDaemon agent;
        private final String stateBefore;
        private final String tableBefore;
        private final TreeMap<String, Integer> codes = new TreeMap<>();
        private AdminClient connection;
        private int sent;
        private int refused;
        private int oversized;
        private int batchChecks;

        Run(AgentDaemon agent) throws IOException {
            this.agent = agent;
            this.stateBefore = agent.stateHash();
            this.tableBefore = agent.table();
            assertTrue(tableBefore.contains("tcp . 6379"), tableBefore);
            this.connection = agent.connect();
        }

        void one(byte[] line) throws IOException {
            JsonNode response;
            try {
                response = connection.send(line);
            } catch (EOFException e) {
                throw new AssertionError("the daemon closed the connection without an answer to "
                        + new String(line, 0, Math.min(line.length, 300), StandardCharsets.UTF_8));
            }
            sent++;
            String text = new String(line, 0, Math.min(line.length, 300), StandardCharsets.UTF_8);
            assertFalse(response.path("ok").asBoolean(true), () -> "accepted: " + text + "\n -> " + response);
            String code = response.at("/error/code").asText();
            assertFalse(code.isEmpty() || code.equals("INTERNAL"), () -> text + "\n -> " + response);
            refused++;
            codes.merge(code, 1, Integer::sum);
            if (code.equals("REQUEST_TOO_LARGE")) {
                oversized++;
                connection.close();
                connection = agent.connect();
            }
            if (sent <= EXACT) {
                checkUnchanged("after request " + sent + ": " + text);
            } else if (sent % BATCH == 0) {
                batchChecks++;
                checkUnchanged("after requests " + (sent - BATCH + 1) + ".." + sent);
            }
        }

        void checkUnchanged(String when) throws IOException {
            assertEquals(stateBefore, agent.stateHash(), "state files " + when);
            assertEquals(tableBefore, agent.table(), "kernel table " + when);
        }

        void close() throws IOException {
            connection.close();
        }
    }

    /**
     * One bad request line (no newline inside): a refused forward, a refused request, either one
     * mutated at one place, JSON-ish noise, random bytes, deep nesting or, rarely, an oversized
     * line. Mutations keep a line's refusal: they only touch what the daemon must refuse anyway,
     * or break the JSON.
     */
    private static byte[] line(Fuzz.Gen gen) {
        byte[] line =
                switch (gen.weighted(4, 4, 3, 1, 1, 1, 1)) {
                    case 0 -> forwardAdd(gen.oneOf(BAD_FORWARDS), gen.bool());
                    case 1 -> gen.oneOf(BAD_REQUESTS).getBytes(StandardCharsets.UTF_8);
                    case 2 -> breakJson(gen, forwardAdd(gen.oneOf(BAD_FORWARDS), gen.bool()));
                    case 3 -> gen.string(JSONISH, 200).getBytes(StandardCharsets.UTF_8);
                    case 4 -> gen.bytes(300);
                    case 5 -> deep(gen.between(1_000, 100_000));
                    default -> gen.between(0, 99) < 5
                            ? oversized(gen)
                            : gen.oneOf(BAD_REQUESTS).getBytes(StandardCharsets.UTF_8);
                };
        for (int i = 0; i < line.length; i++) {
            if (line[i] == '\n') {
                line[i] = ' ';
            }
        }
        return isBlank(line) ? "{".getBytes(StandardCharsets.UTF_8) : line;
    }

    private static byte[] forwardAdd(String forward, boolean force) {
        return ("{\"v\":1,\"id\":\"f\",\"op\":\"forward.add\",\"args\":{\"forward\":" + forward + ",\"force\":" + force
                        + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Truncates, or drops or doubles one structural character: the line stops being JSON. */
    private static byte[] breakJson(Fuzz.Gen gen, byte[] valid) {
        String text = new String(valid, StandardCharsets.UTF_8);
        int at = gen.between(1, text.length() - 1);
        return switch (gen.between(0, 2)) {
            case 0 -> Arrays.copyOf(valid, at);
            case 1 -> (text.substring(0, at) + gen.oneOf(List.of("{", "[", "\"", ":")) + text.substring(at))
                    .getBytes(StandardCharsets.UTF_8);
            default -> text.replaceFirst("[{}\\[\\]]", "").getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] deep(int depth) {
        return ("{\"v\":1,\"id\":\"d\",\"op\":\"apply\",\"args\":{\"state\":" + "[".repeat(depth) + "]".repeat(depth)
                        + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Just over the 1 MiB limit: REQUEST_TOO_LARGE and the connection closed. */
    private static byte[] oversized(Fuzz.Gen gen) {
        byte[] line = new byte[(1 << 20) + 1 + gen.between(0, 4096)];
        Arrays.fill(line, (byte) 'a');
        return line;
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
