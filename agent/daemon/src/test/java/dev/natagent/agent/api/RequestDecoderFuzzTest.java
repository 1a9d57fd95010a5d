package dev.natagent.agent.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.natagent.agent.model.JsonWritable;
import dev.natagent.testing.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated request lines through the decoder and the dispatcher: every line ends in a
 * Request or a DecodeFailure, and a decoded request in a result or an AdminException, never any
 * other exception, and the response is one line. Seeded and bounded: 2000 cases by default,
 * {@code -Dnatagent.fuzz.cases=100000} for a long run (see {@link Fuzz}).
 */
class RequestDecoderFuzzTest {
    private static final List<String> VALID = List.of(
            "{\"v\":1,\"id\":\"1\",\"op\":\"status\"}",
            "{\"v\":1,\"id\":\"2\",\"op\":\"forward.add\",\"args\":{\"forward\":{\"name\":\"redis\",\"listen\":\"6379-6381\","
                    + "\"to\":[\"10.0.1.230:6379\",\"10.0.1.231:6379\",\"10.0.1.232:6379\"],\"allow\":[\"198.51.100.27/32\"]},"
                    + "\"force\":false}}",
            "{\"v\":1,\"id\":\"3\",\"op\":\"forward.remove\",\"args\":{\"name\":\"redis\"}}",
            "{\"v\":1,\"id\":\"4\",\"op\":\"outbound.add\",\"args\":{\"outbound\":{\"name\":\"p\",\"source\":[\"10.0.0.0/16\"],"
                    + "\"out\":\"ens5\"}}}",
            "{\"v\":1,\"id\":\"5\",\"op\":\"apply\",\"args\":{\"dry_run\":true,\"state\":{\"forwards\":[]}}}",
            "{\"v\":1,\"id\":\"6\",\"op\":\"export\",\"args\":{\"format\":\"nft\"}}");
    private static final String JSONISH = "{}[]\":,0123456789.-truefalsnl vidopargsxyz\\";

    private final RequestDecoder decoder = new RequestDecoder(AdminServer.MAX_REQUEST_TOKENS);
    private final AdminDispatcher dispatcher = new AdminDispatcher(new FakeOperations());
    private final ResponseEncoder encoder = new ResponseEncoder();

    @Test
    void randomAndMutatedLinesNeverEscape() {
        Fuzz.run(2_000, gen -> handle(line(gen)));
    }

    /** What the server does with a line, minus the socket; the response must be a valid line. */
    private void handle(byte[] line) {
        ResponseLine response;
        try {
            Request request = decoder.decode(line, 0, line.length);
            try {
                JsonWritable result = dispatcher.handle(request, new ClientSession(new Peer(0, 0, 1)));
                response = encoder.success(request.id(), result);
            } catch (AdminException e) {
                response = encoder.failure(request.id(), e);
            }
        } catch (RequestDecoder.DecodeFailure failure) {
            assertNotNull(failure.error().code());
            response = encoder.failure(failure.id(), failure.error());
        }
        String text = new String(response.toByteArray(), StandardCharsets.UTF_8);
        assertFalse(text.substring(0, text.length() - 1).contains("\n"), "one line per response");
    }

    /** Random bytes, JSON-ish printable text, or (most often) a valid request mutated at one place; 1:2:5. */
    private static byte[] line(Fuzz.Gen gen) {
        return switch (gen.weighted(1, 2, 5)) {
            case 0 -> gen.bytes(300);
            case 1 -> gen.string(JSONISH, 200).getBytes(StandardCharsets.UTF_8);
            default -> mutate(gen.oneOf(VALID), gen.between(0, 400), gen.between(0, 5), (byte)
                    gen.between(Byte.MIN_VALUE, Byte.MAX_VALUE));
        };
    }

    /** Deletes, duplicates, replaces or truncates around one position of a valid request. */
    private static byte[] mutate(String valid, int position, int kind, byte value) {
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
        int at = position % bytes.length;
        return switch (kind) {
            case 0 -> Arrays.copyOf(bytes, at);
            case 1 -> {
                byte[] copy = bytes.clone();
                copy[at] = value;
                yield copy;
            }
            case 2 -> concat(Arrays.copyOf(bytes, at), Arrays.copyOfRange(bytes, at + 1, bytes.length));
            case 3 -> concat(Arrays.copyOf(bytes, at + 1), Arrays.copyOfRange(bytes, at, bytes.length));
            case 4 -> valid.replace("\"v\":1", "\"v\":" + value).getBytes(StandardCharsets.UTF_8);
            default -> valid.replace("\"6379-6381\"", String.valueOf(value)).getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
