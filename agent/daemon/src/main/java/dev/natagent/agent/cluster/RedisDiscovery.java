package dev.natagent.agent.cluster;

import dev.natagent.agent.model.ClusterSpec;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Discovers a Redis or Valkey cluster through its configuration endpoint (or any node): one
 * connection per poll, optionally TLS (the JDK's, with the configured CA bundle and the host name
 * verified), {@code AUTH} from the cluster's auth file, then {@code CLUSTER SHARDS}, or {@code
 * CLUSTER SLOTS} where the engine is older than SHARDS (it answers an error for it).
 */
public final class RedisDiscovery implements Discovery {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final Duration connectTimeout;
    private final Duration readTimeout;

    public RedisDiscovery() {
        this(CONNECT_TIMEOUT, READ_TIMEOUT);
    }

    RedisDiscovery(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    @Override
    public Topology discover(ClusterSpec spec) throws DiscoveryException {
        AuthFile.Credentials credentials = spec.authFile() == null ? null : AuthFile.read(spec.authFile());
        String host = spec.endpoint().host();
        int port = spec.endpoint().port();
        try (Socket socket = connect(spec)) {
            socket.setSoTimeout((int) readTimeout.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            RespReader reader = new RespReader(in);
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
        } catch (SSLException e) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.TLS, "TLS with " + host + ":" + port + " failed: " + e.getMessage(), e);
        } catch (SocketTimeoutException e) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.TIMEOUT, host + ":" + port + " did not answer in time", e);
        } catch (UnknownHostException e) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.UNREACHABLE, "the endpoint's name " + host + " does not resolve", e);
        } catch (ConnectException | NoRouteToHostException e) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.UNREACHABLE,
                    "cannot connect to " + host + ":" + port + ": " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.UNREACHABLE,
                    "the connection to " + host + ":" + port + " failed: " + e.getMessage(),
                    e);
        }
    }

    private Socket connect(ClusterSpec spec) throws IOException, DiscoveryException {
        String host = spec.endpoint().host();
        int port = spec.endpoint().port();
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            if (!spec.tls()) {
                return plain;
            }
            plain.setSoTimeout((int) readTimeout.toMillis());
            SSLSocket tls = (SSLSocket)
                    TlsContexts.forCaFile(spec.caFile()).getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = tls.getSSLParameters();
            // The certificate must name the endpoint, as HTTPS clients check it.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return tls;
        } catch (IOException | DiscoveryException | RuntimeException e) {
            plain.close();
            throw e;
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
