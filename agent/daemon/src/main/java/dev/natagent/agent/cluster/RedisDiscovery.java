package dev.natagent.agent.cluster;

import dev.natagent.agent.model.ClusterSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Discovers a Redis or Valkey cluster through its configuration endpoint (or any node): one
 * connection per poll ({@link EndpointConnection}: optionally TLS with the configured CA bundle and
 * the host name verified, one deadline for the whole exchange), {@code AUTH} from the cluster's
 * auth file, then {@code CLUSTER SHARDS}, or {@code CLUSTER SLOTS} where the engine is older than
 * SHARDS (it answers an error for it).
 */
public final class RedisDiscovery implements Discovery {
    /** For the whole exchange: connect, TLS handshake, AUTH and the topology reply. */
    static final Duration TIMEOUT = Duration.ofSeconds(8);

    private final Duration timeout;

    public RedisDiscovery() {
        this(TIMEOUT);
    }

    RedisDiscovery(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Topology discover(ClusterSpec spec) throws DiscoveryException {
        AuthFile.Credentials credentials = spec.authFile() == null ? null : AuthFile.read(spec.authFile());
        try (EndpointConnection connection =
                EndpointConnection.open(spec.endpoint(), spec.tls(), spec.caFile(), timeout)) {
            OutputStream out = connection.out();
            RespReader reader = new RespReader(connection.in());
            if (credentials != null) {
                Object reply = call(out, reader, credentials.authCommand());
                if (reply instanceof RespReader.Error error) {
                    throw new DiscoveryException(
                            DiscoveryException.Kind.AUTH_FAILED,
                            "the endpoint refused the credentials of " + spec.authFile() + ": " + firstWord(error));
                }
            }
            Object shards = call(out, reader, List.of("CLUSTER", "SHARDS"));
            if (!(shards instanceof RespReader.Error error)) {
                return RedisTopology.fromShards(shards, spec.tls());
            }
            refuseAuthOrClusterErrors(error, spec);
            Object slots = call(out, reader, List.of("CLUSTER", "SLOTS"));
            if (slots instanceof RespReader.Error slotsError) {
                refuseAuthOrClusterErrors(slotsError, spec);
                throw new DiscoveryException(
                        DiscoveryException.Kind.PROTOCOL,
                        "the endpoint answers neither CLUSTER SHARDS nor CLUSTER SLOTS: "
                                + RespReader.abbreviate(slotsError.message()));
            }
            return RedisTopology.fromSlots(slots, spec.tls());
        } catch (IOException e) {
            throw EndpointConnection.classify(spec.endpoint(), e);
        }
    }

    /** Errors that say what is wrong with the setup rather than with the engine's age. */
    private static void refuseAuthOrClusterErrors(RespReader.Error error, ClusterSpec spec) throws DiscoveryException {
        String word = firstWord(error);
        if (word.equals("NOAUTH") || word.equals("WRONGPASS") || word.equals("NOPERM")) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.AUTH_FAILED,
                    spec.authFile() == null
                            ? "the endpoint wants credentials (" + word + "): set the cluster's auth file"
                            : "the endpoint refused the credentials of " + spec.authFile() + " (" + word + ")");
        }
        if (error.message().contains("cluster support disabled")) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.PROTOCOL, "the endpoint is not in cluster mode (cluster support disabled)");
        }
    }

    private static String firstWord(RespReader.Error error) {
        String message = error.message();
        int space = message.indexOf(' ');
        return RespReader.abbreviate(space < 0 ? message : message.substring(0, space));
    }

    private static Object call(OutputStream out, RespReader reader, List<String> command)
            throws IOException, DiscoveryException {
        out.write(encode(command));
        out.flush();
        return reader.read();
    }

    /** A command as a RESP array of bulk strings (binary-safe: a password may hold any byte). */
    static byte[] encode(List<String> command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("*" + command.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String part : command) {
            byte[] data = part.getBytes(StandardCharsets.UTF_8);
            bytes.writeBytes(("$" + data.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            bytes.writeBytes(data);
            bytes.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }
}
