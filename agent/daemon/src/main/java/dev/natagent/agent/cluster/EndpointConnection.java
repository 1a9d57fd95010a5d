package dev.natagent.agent.cluster;

import dev.natagent.agent.cluster.DiscoveryException.Kind;
import dev.natagent.agent.model.Target;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One TCP connection to a configuration endpoint, plain or TLS (JDK TLS, the host name verified
 * against the certificate), that gives up when one deadline for the whole exchange has passed: a
 * peer that trickles bytes cannot hold a poll longer than the timeout.
 */
public final class EndpointConnection implements AutoCloseable {
    private final Socket socket;
    private final long deadline;
    private final InputStream in;

    private EndpointConnection(Socket socket, long deadline) throws IOException {
        this.socket = socket;
        this.deadline = deadline;
        this.in = new BufferedInputStream(new DeadlineInput(socket.getInputStream()));
    }

    public static EndpointConnection open(Target endpoint, boolean tls, String caFile, Duration timeout)
            throws DiscoveryException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(endpoint.host()), endpoint.port());
        } catch (UnknownHostException e) {
            throw new DiscoveryException(Kind.UNREACHABLE, "cannot resolve " + endpoint.host() + ": " + e.getMessage());
        }
        Socket plain = new Socket();
        try {
            plain.connect(address, (int) Math.max(1, timeout.toMillis()));
            Socket socket = tls ? wrap(plain, endpoint, caFile) : plain;
            EndpointConnection connection = new EndpointConnection(socket, deadline);
            if (socket instanceof SSLSocket ssl) {
                connection.remaining();
                ssl.startHandshake();
            }
            return connection;
        } catch (IOException e) {
            closeQuietly(plain);
            throw classify(endpoint, e);
        } catch (DiscoveryException e) {
            closeQuietly(plain);
            throw e;
        }
    }

    public OutputStream out() throws IOException {
        return socket.getOutputStream();
    }

    public InputStream in() {
        return in;
    }

    /** What an I/O failure of this exchange means to an operator. */
    public static DiscoveryException classify(Target endpoint, IOException e) {
        if (e instanceof SocketTimeoutException) {
            return new DiscoveryException(Kind.TIMEOUT, endpoint + " did not answer in time", e);
        }
        if (e instanceof SSLException) {
            return new DiscoveryException(Kind.TLS, "TLS with " + endpoint + " failed: " + e.getMessage(), e);
        }
        return new DiscoveryException(Kind.UNREACHABLE, "cannot reach " + endpoint + ": " + e.getMessage(), e);
    }

    private static Socket wrap(Socket plain, Target endpoint, String caFile) throws IOException, DiscoveryException {
        SSLSocket ssl = (SSLSocket) TlsContexts.forCaFile(caFile)
                .getSocketFactory()
                .createSocket(plain, endpoint.host(), endpoint.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(parameters);
        return ssl;
    }

    /** Milliseconds left for the exchange, set as the socket's read timeout; throws when none. */
    private int remaining() throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, left);
        socket.setSoTimeout(millis);
        return millis;
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing was written that a close could lose
        }
    }

    private final class DeadlineInput extends FilterInputStream {
        DeadlineInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            remaining();
            return super.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            remaining();
            return super.read(buffer, offset, length);
        }
    }
}
