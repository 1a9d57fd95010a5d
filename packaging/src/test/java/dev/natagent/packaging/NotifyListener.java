package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * What systemd does for a Type=notify service: a datagram socket whose path goes into
 * NOTIFY_SOCKET, receiving sd_notify messages ("KEY=value" lines).
 */
final class NotifyListener implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);
    private final Path path;
    private final UnixDatagramChannel channel;
    private final Selector selector;

    private NotifyListener(Path path, UnixDatagramChannel channel, Selector selector) {
        this.path = path;
        this.channel = channel;
        this.selector = selector;
    }

    static NotifyListener bind(Path path) throws IOException {
        UnixDatagramChannel channel = UnixDatagramChannel.open();
        try {
            channel.bind(new UnixSocketAddress(path.toFile()));
            channel.configureBlocking(false);
            Selector selector = channel.provider().openSelector();
            channel.register(selector, SelectionKey.OP_READ);
            return new NotifyListener(path, channel, selector);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    /** The next message, waiting at most {@code timeout}; fails the test when none arrives. */
    Map<String, String> next(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // The selected-key set is emptied after every message, so 0 means "nothing new yet".
        while (selector.select(POLL.toMillis()) == 0) {
            if (System.nanoTime() > deadline) {
                fail("no sd_notify message within " + timeout);
            }
        }
        selector.selectedKeys().clear();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        channel.receive(buffer);
        buffer.flip();
        return parse(StandardCharsets.UTF_8.decode(buffer).toString());
    }

    /** Messages up to and including the first with READY=1, in the order they arrived. */
    List<Map<String, String>> untilReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Map<String, String>> messages = new ArrayList<>();
        do {
            messages.add(next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
        } while (!"1".equals(messages.get(messages.size() - 1).get("READY")));
        return messages;
    }

    private static Map<String, String> parse(String message) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : message.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                fields.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return fields;
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            selector.close();
        }
    }
}
