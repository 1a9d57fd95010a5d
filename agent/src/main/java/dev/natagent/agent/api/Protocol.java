package dev.natagent.agent.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Constants and the JSON mapper of the newline-delimited admin protocol (shared by agent and natctl). */
public final class Protocol {
    public static final int VERSION = 1;
    /** Longest accepted request line in bytes, excluding the newline. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;

    public static final String DEFAULT_SOCKET = "/run/nat-agent/admin.sock";

    private Protocol() {}

    /**
     * A strict mapper: duplicate keys, trailing tokens and floats for integers are errors, so a
     * sloppy client learns about its mistake instead of getting a guess.
     */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
                .build();
    }
}
