package dev.natagent.agent.e2e;

import dev.natagent.testing.Netns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of the Redis (RESP) and memcached text protocols to talk to the real servers, over a
 * fresh TCP connection opened inside a namespace, bounded by a timeout.
 */
final class CacheClient {
    static final int TIMEOUT_MILLIS = 2_000;

    private CacheClient() {}

    /** One Redis command on a new connection; the reply as text (status, error, integer or bulk). */
    static String redis(Netns from, String host, int port, String... command) throws Exception {
        return from.call(() -> redis(host, port, TIMEOUT_MILLIS, command));
    }

    /** As {@link #redis(Netns, String, int, String...)}, on the calling thread's namespace. */
    static String redis(String host, int port, int timeoutMillis, String... command) throws IOException {
        try (Socket socket = connect(host, port, timeoutMillis)) {
            return command(socket, command);
        }
    }

    /**
     * One Redis command on an open connection; the reply as text (an array's elements joined by
     * spaces), waiting at most the socket's read timeout.
     */
    static String command(Socket socket, String... command) throws IOException {
        OutputStream out = socket.getOutputStream();
        StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
        for (String word : command) {
            request.append('$')
                    .append(word.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(word)
                    .append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readReply(socket.getInputStream());
    }

    private static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        switch (line.charAt(0)) {
            case '+', ':' -> {
                return line.substring(1);
            }
            case '-' -> {
                return line;
            }
            case '$' -> {
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    return null;
                }
                byte[] bulk = in.readNBytes(length + 2);
                if (bulk.length != length + 2) {
                    throw new IOException("short bulk reply");
                }
                return new String(bulk, 0, length, StandardCharsets.UTF_8);
            }
            case '*' -> {
                StringBuilder elements = new StringBuilder();
                for (int i = Integer.parseInt(line.substring(1)); i > 0; i--) {
                    elements.append(elements.isEmpty() ? "" : " ").append(readReply(in));
                }
                return elements.toString();
            }
            default -> throw new IOException("unexpected reply: " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
        throw new IOException("connection closed before the end of the reply");
    }

    /** Sends memcached text commands followed by quit; returns all the server answered. */
    static String memcached(Netns from, String host, int port, String commands) throws Exception {
        return from.call(() -> {
            try (Socket socket = connect(host, port, TIMEOUT_MILLIS)) {
                socket.getOutputStream().write((commands + "quit\r\n").getBytes(StandardCharsets.US_ASCII));
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            }
        });
    }

    /** Whether a TCP connection to host:port is accepted within the timeout. */
    static boolean connects(Netns from, String host, int port, int timeoutMillis) throws Exception {
        return from.call(() -> {
            try {
                connect(host, port, timeoutMillis).close();
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    static Socket connect(String host, int port, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The value of {@code key=} in Redis CLIENT INFO / CLIENT LIST text. */
    static String field(String clientInfo, String key) {
        for (String pair : clientInfo.trim().split(" ")) {
            if (pair.startsWith(key + "=")) {
                return pair.substring(key.length() + 1);
            }
        }
        throw new AssertionError("no " + key + " in " + clientInfo);
    }
}
