package dev.natagent.agent.cluster.memcached;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the agent's configuration endpoint answers to one request line, in the memcached text
 * protocol: the two ways to ask for the cluster configuration, {@code version} and {@code quit}.
 * It holds no data and stores nothing: every other command is {@code ERROR}, as memcached answers a
 * command it does not know.
 */
final class ResponderProtocol {
    /**
     * The first engine version with {@code config get cluster}: clients that choose between the
     * command and the key by the version then use the command, which this endpoint answers.
     */
    static final byte[] VERSION = ascii("VERSION 1.4.14\r\n");

    static final byte[] ERROR = ascii("ERROR\r\n");
    static final byte[] NO_CONFIG = ascii("SERVER_ERROR no cluster configuration yet\r\n");
    static final byte[] LINE_TOO_LONG = ascii("CLIENT_ERROR line too long\r\n");

    /** The bytes to send back, and whether the connection ends after them. */
    record Answer(byte[] bytes, boolean close) {}

    private static final Answer QUIT = new Answer(new byte[0], true);

    private ResponderProtocol() {}

    /** The answer to {@code line} (without its line end) while {@code config} is what clients are told. */
    static Answer answer(String line, Optional<ClusterConfig> config) {
        List<String> words =
                Arrays.stream(line.split(" ")).filter(w -> !w.isEmpty()).toList();
        if (words.equals(List.of("config", "get", "cluster"))) {
            return new Answer(config.map(ConfigCommand.CONFIG::reply).orElse(NO_CONFIG), false);
        }
        if (words.equals(List.of("version"))) {
            return new Answer(VERSION, false);
        }
        if (words.equals(List.of("quit"))) {
            return QUIT;
        }
        if (words.size() > 1 && words.get(0).equals("get")) {
            // Any other key is a miss, as in a memcached that never stored it.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String key : words.subList(1, words.size())) {
                if (key.equals(ClusterConfig.KEY) && config.isPresent()) {
                    out.writeBytes(ConfigCommand.GET_KEY.value(config.get()));
                }
            }
            out.writeBytes(ConfigCommand.END);
            return new Answer(out.toByteArray(), false);
        }
        return new Answer(ERROR, false);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
