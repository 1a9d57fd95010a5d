package dev.natagent.agent.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.protocol.IoErrors;
import dev.natagent.agent.protocol.MalformedReplyException;
import dev.natagent.agent.protocol.Op;
import dev.natagent.agent.protocol.ReplyError;
import dev.natagent.agent.protocol.ReplyFields;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * Requests over the admin socket through the JDK's own UNIX-domain channel (no JNR: its binding
 * classes are generated at run time, on every natctl call; bench/natctl-bench.sh times the
 * start). Failures to reach the agent become exit code 3 with the socket path and the reason, as
 * does an answer natctl cannot read; an error answer becomes exit code 1. A reply is parsed as it
 * arrives, and its result handed to a {@link ResultReader}: a listing of any length need not be
 * held whole, neither as its bytes nor as a tree.
 */
final class AdminClient {
    private final Path socket;
    private final Duration timeout;

    AdminClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Sends op with args on a connection of its own and returns the result object, or throws a {@link NatctlException}. */
    JsonNode call(Op op, ObjectNode args) {
        return call(op, args, TREE);
    }

    /** Sends op with args on a connection of its own and returns what {@code reader} made of the result. */
    <T> T call(Op op, ObjectNode args, ResultReader<T> reader) {
        try (Session session = open()) {
            return session.call(op, args, reader);
        }
    }

    /** Reads a reply's result while it is parsed. */
    interface ResultReader<T> {
        /** Reads the value at the parser's current token, leaving the parser at its last token. */
        T read(JsonParser parser) throws IOException;
    }

    /** The result as a tree. A class, not a lambda (see {@link Watchdog}). */
    private static final class TreeReader implements ResultReader<JsonNode> {
        @Override
        public JsonNode read(JsonParser parser) throws IOException {
            return CliJson.readValue(parser);
        }
    }

    private static final ResultReader<JsonNode> TREE = new TreeReader();

    /** Connects for several requests in a row (the agent keeps per-connection state, e.g. an upload). */
    Session open() {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw NatctlException.unreachable("cannot reach nat-agent at " + socket + ": " + explain(e));
        }
        try {
            requireTrustedServer(channel);
            return new Session(channel);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Nothing is sent before the process listening is known to be the agent: root, or the user owning
     * the socket's directory (the agent's own, systemd's RuntimeDirectory=). Anyone else got their
     * socket there by a directory others may write in, and would read our requests.
     */
    private void requireTrustedServer(SocketChannel channel) {
        try {
            String server =
                    channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
            if (server.equals("root")) {
                return; // the directory's owner (another user database lookup) does not matter
            }
            Path dir = socket.toAbsolutePath().getParent();
            String dirOwner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            if (!server.equals(dirOwner)) {
                throw NatctlException.unreachable("refusing to talk to " + socket + ": it is served by user " + server
                        + ", not by root or " + dirOwner + " (the owner of " + dir + "); someone may have put"
                        + " their own socket there: check the directory's mode (0750) and restart nat-agent");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw NatctlException.unreachable(
                    "cannot tell who serves " + socket + " (" + e.getMessage() + "); refusing to send to it");
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was sent; the error that brought us here is the one to report
        }
    }

    /** One connection: requests are sent one at a time and each waits for its answer. */
    final class Session implements AutoCloseable {
        private final SocketChannel channel;
        /** Received bytes not yet consumed (the agent answers one line per request, so normally none). */
        private final ByteBuffer input = ByteBuffer.allocate(64 * 1024).flip();

        private final String idPrefix = "natctl-" + pid();
        private int requests;

        private Session(SocketChannel channel) {
            this.channel = channel;
        }

        /** Sends op with args and returns the result object, or throws a {@link NatctlException}. */
        JsonNode call(Op op, ObjectNode args) {
            return call(op, args, TREE);
        }

        /** Sends op with args and returns what {@code reader} made of the result, or throws a {@link NatctlException}. */
        <T> T call(Op op, ObjectNode args, ResultReader<T> reader) {
            String id = requests++ == 0 ? idPrefix : idPrefix + "-" + requests;
            ObjectNode request = CliJson.object();
            request.put("v", AdminProtocol.VERSION);
            request.put("id", id);
            request.put("op", op.wireName());
            request.set("args", args);
            Thread watchdog = watchdog(channel);
            try {
                write(encode(request));
                return read(id, reader);
            } catch (JacksonException e) {
                throw NatctlException.unreachable(
                        "agent at " + socket + " sent malformed JSON: " + e.getOriginalMessage());
            } catch (MalformedReplyException e) {
                throw NatctlException.unreadable(socket, e);
            } catch (IOException e) {
                throw lost(e);
            } finally {
                watchdog.interrupt();
            }
        }

        /** Writes {@code bytes} as they are, with no answer to wait for (an upload's raw document). */
        void send(byte[] bytes) {
            Thread watchdog = watchdog(channel);
            try {
                write(bytes);
            } catch (AsynchronousCloseException e) {
                throw NatctlException.unreachable(
                        "nat-agent at " + socket + " did not take the document within " + timeout.toSeconds() + " s");
            } catch (IOException e) {
                throw lost(e);
            } finally {
                watchdog.interrupt();
            }
        }

        private void write(byte[] bytes) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(bytes);
            while (out.hasRemaining()) {
                channel.write(out);
            }
        }

        /**
         * The reply line: {@code id} and {@code ok} checked, the error read into its record, the
         * result handed to {@code reader}. The agent writes {@code v}, {@code id} and {@code ok}
         * first, so the result is read only once they say it answers this request and is one: a
         * reader may print as it reads.
         */
        private <T> T read(String id, ResultReader<T> reader) throws IOException {
            try (JsonParser parser = CliJson.firstToken(CliJson.parser(new LineInput()))) {
                if (parser.currentToken() != JsonToken.START_OBJECT) {
                    throw NatctlException.unreachable(
                            "agent at " + socket + " sent a response that is not a JSON object");
                }
                ObjectNode envelope = CliJson.object();
                T result = null;
                boolean hasResult = false;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    if (name.equals("result")) {
                        if (!answers(id, ReplyFields.of(envelope, "reply before its result"))) {
                            throw new MalformedReplyException("reply has a result but 'ok' is false");
                        }
                        result = reader.read(parser);
                        hasResult = true;
                    } else {
                        envelope.set(name, CliJson.readValue(parser));
                    }
                }
                CliJson.requireEnd(parser);
                ReplyFields fields = ReplyFields.of(envelope, "reply");
                if (!answers(id, fields)) {
                    throw NatctlException.refused(ReplyError.read(fields.object("error")));
                }
                if (!hasResult) {
                    throw new MalformedReplyException("reply has no 'result'");
                }
                return result;
            }
        }

        /** Whether the reply, which must answer request {@code id} (or one the agent could not read), is a success. */
        private boolean answers(String id, ReplyFields reply) {
            String answered = reply.nullableText("id");
            if (answered != null && !answered.equals(id)) {
                throw NatctlException.unreachable("agent at " + socket + " answered another request id");
            }
            return reply.flag("ok");
        }

        /**
         * The bytes of one reply line, up to and including its newline, as the parser asks for them:
         * first those already received, then the channel's. After the newline it ends, so a parser
         * never reads into a later reply.
         */
        private final class LineInput extends InputStream {
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                if (ended) {
                    return -1;
                }
                if (length == 0) {
                    return 0;
                }
                if (!input.hasRemaining()) {
                    input.clear();
                    int read = channel.read(input);
                    input.flip();
                    if (read < 0) {
                        throw NatctlException.unreachable(
                                "nat-agent at " + socket + " closed the connection without an answer");
                    }
                }
                int count = Math.min(length, input.remaining());
                byte[] received = input.array();
                for (int i = input.position(); i < input.position() + count; i++) {
                    if (received[i] == '\n') {
                        count = i - input.position() + 1;
                        ended = true;
                        break;
                    }
                }
                input.get(bytes, offset, count);
                return count;
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing is pending: every request was answered or has already failed
            }
        }
    }

    private static byte[] encode(ObjectNode request) {
        byte[] json = CliJson.compactBytes(request);
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    /**
     * This process's id, for request ids the agent's log can be matched with. Read from /proc: the
     * JDK's ProcessHandle sets up its process reaper's thread pool on first use, a noticeable
     * share of a natctl call (bench/natctl-bench.sh).
     */
    private static String pid() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown";
        }
    }

    /** A failed read or write of the connection: the agent took too long (the watchdog closed it), or it broke. */
    private NatctlException lost(IOException e) {
        if (e instanceof AsynchronousCloseException) {
            return NatctlException.unreachable(
                    "nat-agent at " + socket + " did not answer within " + timeout.toSeconds() + " s");
        }
        return NatctlException.unreachable("lost connection to nat-agent at " + socket + ": " + IoErrors.reason(e));
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
        return IoErrors.reason(e);
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
