package dev.natagent.agent.cluster.memcached;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The two ways to ask for a Memcached cluster's configuration: the {@code config get cluster}
 * command of engines since 1.4.14, and the key older engines keep it under. Each reply is a data
 * block with a header that names the byte count, as a memcached {@code get} returns a value.
 */
public enum ConfigCommand {
    CONFIG("config get cluster", "CONFIG cluster"),
    GET_KEY("get " + ClusterConfig.KEY, "VALUE " + ClusterConfig.KEY);

    static final byte[] END = "END\r\n".getBytes(StandardCharsets.US_ASCII);

    private final String request;
    private final String replyHeader;

    ConfigCommand(String request, String replyHeader) {
        this.request = request;
        this.replyHeader = replyHeader;
    }

    /** The request line without its line end. */
    public String request() {
        return request;
    }

    /** The header of a reply up to the flags and byte count, e.g. {@code CONFIG cluster}. */
    String replyHeader() {
        return replyHeader;
    }

    /** The complete reply carrying {@code config}: its value block, then {@code END}. */
    public byte[] reply(ClusterConfig config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(value(config));
        out.writeBytes(END);
        return out.toByteArray();
    }

    /** The header with flags 0 and the byte count, the data block and its line end. */
    byte[] value(ClusterConfig config) {
        byte[] body = config.body();
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        out.writeBytes((replyHeader + " 0 " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
