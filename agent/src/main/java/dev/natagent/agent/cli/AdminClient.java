package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.api.AdminProtocol;
import dev.natagent.agent.api.Op;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One request over the admin socket through the JDK's own UNIX-domain channel (no JNR: it would
 * cost natctl ~90 ms of start-up). Failures to reach the agent become exit code 3 with the socket
 * path and the reason; an error answer becomes exit code 1.
 */
final class AdminClient {
    private final Path socket;
    private final Duration timeout;

    AdminClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Sends op with args and returns the result object, or throws a {@link NatctlException}. */
    JsonNode call(Op op, ObjectNode args) {
        String id = "natctl-" + ProcessHandle.current().pid();
        ObjectNode request = CliJson.object();
        request.put("v", AdminProtocol.VERSION);
        request.put("id", id);
        request.put("op", op.wireName());
        request.set("args", args);
        JsonNode response = parse(exchange(encode(request)));
        if (!id.equals(response.path("id").asText(null)) && !response.path("id").isNull()) {
            throw NatctlException.unreachable("agent at " + socket + " answered another request id");
        }
        if (response.path("ok").asBoolean(false)) {
            return response.path("result");
        }
        throw NatctlException.refused(response.path("error"));
    }

    private static byte[] encode(ObjectNode request) {
        byte[] json = CliJson.compactBytes(request);
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    private JsonNode parse(byte[] line) {
        try {
            JsonNode response = CliJson.read(line);
            if (!response.isObject()) {
                throw NatctlException.unreachable("agent at " + socket + " sent a response that is not a JSON object");
            }
            return response;
        } catch (IOException e) {
            throw NatctlException.unreachable("agent at " + socket + " sent malformed JSON: " + e.getMessage());
        }
    }

    private byte[] exchange(byte[] request) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw NatctlException.unreachable("cannot reach nat-agent at " + socket + ": " + explain(e));
        }
        Thread watchdog = watchdog(channel);
        try (channel) {
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            return readLine(channel);
        } catch (AsynchronousCloseException e) {
            throw NatctlException.unreachable(
                    "nat-agent at " + socket + " did not answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw NatctlException.unreachable("lost connection to nat-agent at " + socket + ": " + e.getMessage());
        } finally {
            watchdog.interrupt();
        }
    }

    private byte[] readLine(SocketChannel channel) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (channel.read(buffer) >= 0) {
            byte[] bytes = buffer.array();
            int length = buffer.position();
            for (int i = 0; i < length; i++) {
                if (bytes[i] == '\n') {
                    line.write(bytes, 0, i);
                    return line.toByteArray();
                }
            }
            line.write(bytes, 0, length);
            buffer.clear();
        }
        throw NatctlException.unreachable("nat-agent at " + socket + " closed the connection without an answer");
    }

    /** The JDK reports connect errors by their strerror text; say what each means for an operator. */
    private static String explain(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No such file")) {
            return "no such socket (is nat-agent running? try: systemctl status nat-agent)";
        }
        if (message.contains("Connection refused")) {
            return "connection refused (the socket exists but nat-agent is not running)";
        }
        if (message.contains("Permission denied")) {
            return "permission denied (run natctl as root or as a member of the nat-agent admin group, natadmin"
                    + " by default)";
        }
        return message;
    }

    /** Closes the channel when the agent takes too long, which ends the blocked read. */
    private Thread watchdog(SocketChannel channel) {
        Thread thread = new Thread(new Watchdog(channel, timeout), "natctl-timeout");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** A class, not a lambda: natctl links no lambda call site on its way (each costs start-up time). */
    private record Watchdog(SocketChannel channel, Duration timeout) implements Runnable {
        @Override
        public void run() {
            try {
                Thread.sleep(timeout.toMillis());
                channel.close();
            } catch (InterruptedException | IOException e) {
                // answered in time, or already closed
            }
        }
    }
}
