package dev.natagent.agent.cluster.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.natagent.agent.cluster.DiscoveryException;
import dev.natagent.agent.model.Ipv4;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConfigReplyReaderTest {
    private static final String NODES = "orders.fnjyzo.0001.use1.cache.amazonaws.com|10.0.1.240|11211"
            + " orders.fnjyzo.0002.use1.cache.amazonaws.com|10.0.1.241|11211";
    private static final String BODY = "12\n" + NODES + "\n";

    @Test
    void readsTheConfigReplyOfElastiCache() throws Exception {
        ClusterConfig config = read(
                        "CONFIG cluster 0 " + BODY.length() + "\r\n" + BODY + "\r\nEND\r\n", ConfigCommand.CONFIG)
                .orElseThrow();
        assertEquals(12, config.version());
        assertEquals(
                List.of(
                        new ConfigEntry("orders.fnjyzo.0001.use1.cache.amazonaws.com", Ipv4.parse("10.0.1.240"), 11211),
                        new ConfigEntry(
                                "orders.fnjyzo.0002.use1.cache.amazonaws.com", Ipv4.parse("10.0.1.241"), 11211)),
                config.nodes());
    }

    @Test
    void readsTheValueReplyOfOlderEngines() throws Exception {
        ClusterConfig config = read(
                        "VALUE AmazonElastiCache:cluster 0 " + BODY.length() + "\r\n" + BODY + "\r\nEND\r\n",
                        ConfigCommand.GET_KEY)
                .orElseThrow();
        assertEquals(2, config.nodes().size());
    }

    @Test
    void errorToTheConfigCommandMeansAnOlderEngine() throws Exception {
        assertEquals(Optional.empty(), read("ERROR\r\n", ConfigCommand.CONFIG));
        assertRefused("ERROR\r\n", ConfigCommand.GET_KEY, "expected 'VALUE");
        assertRefused("END\r\n", ConfigCommand.GET_KEY, "no AmazonElastiCache:cluster key");
    }

    @Test
    void theByteCountMustMatchExactly() {
        for (int delta : new int[] {-2, -1, 1, 2}) {
            String reply = "CONFIG cluster 0 " + (BODY.length() + delta) + "\r\n" + BODY + "\r\nEND\r\n";
            assertThrows(DiscoveryException.class, () -> read(reply, ConfigCommand.CONFIG), "count off by " + delta);
        }
    }

    @Test
    void refusesWhatIsNotAUsableConfiguration() {
        assertRefused(reply("12\n\n"), ConfigCommand.CONFIG, "lists no node");
        assertRefused(reply("-1\n" + NODES + "\n"), ConfigCommand.CONFIG, "version");
        assertRefused(reply("12\nhost|10.0.1.240|11211 other|10.0.1.240|11211\n"), ConfigCommand.CONFIG, "twice");
        assertRefused(reply("12\nhost||11211\n"), ConfigCommand.CONFIG, "IPv4");
        assertRefused(reply("12\nhost|127.0.0.1|11211\n"), ConfigCommand.CONFIG, "loopback");
        assertRefused(reply("12\nhost|10.0.1.240|0\n"), ConfigCommand.CONFIG, "port 0");
        assertRefused(reply("12\nhost|10.0.1.240|65536\n"), ConfigCommand.CONFIG, "port");
        assertRefused(reply("12\nho st|10.0.1.240\n"), ConfigCommand.CONFIG, "host|ip|port");
        assertRefused(reply("12\nh|10.0.1.240|1\nextra\n"), ConfigCommand.CONFIG, "more than two lines");
        assertRefused("CONFIG cluster 0 99999999\r\n", ConfigCommand.CONFIG, "byte count");
        assertRefused("CONFIG cluster 0 4\r\n12\n", ConfigCommand.CONFIG, "ends after");
        assertRefused("CONFIG cluster 0 4\n", ConfigCommand.CONFIG, "without \\r\\n");
        assertRefused("x".repeat(ConfigReplyReader.MAX_LINE + 1), ConfigCommand.CONFIG, "longer than");
        StringBuilder many = new StringBuilder("1\n");
        for (int i = 0; i <= ConfigReplyReader.MAX_NODES; i++) {
            many.append("|10.0.")
                    .append(i / 250)
                    .append('.')
                    .append(1 + i % 250)
                    .append("|11211 ");
        }
        assertRefused(reply(many.append('\n').toString()), ConfigCommand.CONFIG, "more than");
    }

    @Test
    void whatItFormatsItReadsBack() throws Exception {
        ClusterConfig config = read(reply(BODY), ConfigCommand.CONFIG).orElseThrow();
        for (ConfigCommand command : ConfigCommand.values()) {
            assertEquals(
                    config,
                    ConfigReplyReader.read(new ByteArrayInputStream(command.reply(config)), command)
                            .orElseThrow());
        }
        assertArrayEquals(ascii(reply(BODY)), ConfigCommand.CONFIG.reply(config));
    }

    /**
     * Random bytes and mutations of valid replies (flipped, inserted, deleted, duplicated bytes,
     * cuts, shifted byte counts): each is refused with a DiscoveryException or read as a
     * configuration that formats back to itself, never another exception.
     */
    @Test
    void fuzzedRepliesFailOnlyWithDiscoveryException() {
        Random random = new Random(0x6d656d63L);
        List<byte[]> seeds = new ArrayList<>();
        for (ConfigCommand command : ConfigCommand.values()) {
            seeds.add(validReply(command, "7\nnode-a|10.0.1.240|11211\n"));
            seeds.add(validReply(command, BODY));
            seeds.add(validReply(command, "123456789012\n|10.0.1.1|1 |10.0.1.2|65535  a.b-c_d|10.9.9.9|11211\n"));
        }
        int accepted = 0;
        int cases = 0;
        for (; cases < 40_000; cases++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            if (random.nextBoolean()) { // a plausible header in front of random bytes
                byte[] header = ascii((random.nextBoolean() ? "CONFIG cluster " : "VALUE AmazonElastiCache:cluster ")
                        + random.nextInt(3) + " " + random.nextInt(bytes.length + 3) + "\r\n");
                bytes = concat(header, bytes);
            }
            accepted += fuzzOne(bytes);
        }
        for (; cases < 110_000; cases++) {
            accepted += fuzzOne(mutate(seeds.get(random.nextInt(seeds.size())), random));
        }
        System.out.printf("FIGURE memcached-reply-fuzz: %d cases, %d read as a configuration%n", cases, accepted);
        assertTrue(accepted > 0, "some mutations keep a valid reply (e.g. a changed digit of a node's address)");
    }

    private static int fuzzOne(byte[] bytes) {
        int accepted = 0;
        for (ConfigCommand command : ConfigCommand.values()) {
            try {
                Optional<ClusterConfig> config = ConfigReplyReader.read(new ByteArrayInputStream(bytes), command);
                if (config.isPresent()) {
                    accepted++;
                    ClusterConfig back = ConfigReplyReader.read(
                                    new ByteArrayInputStream(command.reply(config.get())), command)
                            .orElseThrow();
                    assertEquals(config.get(), back);
                    assertFalse(config.get().nodes().isEmpty());
                }
            } catch (DiscoveryException e) {
                assertEquals(DiscoveryException.Kind.PROTOCOL, e.kind());
                assertTrue(e.getMessage().length() < 300, e.getMessage());
            } catch (RuntimeException | IOException e) {
                fail("case " + HexFormat.of().formatHex(bytes) + " threw " + e, e);
            }
        }
        return accepted;
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] bytes = seed.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds && bytes.length > 0; r++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(7)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] = (byte) "0123456789 |.\r\n-".charAt(random.nextInt(16));
                case 2 -> bytes = concat(
                        concat(slice(bytes, 0, at), new byte[] {(byte) random.nextInt(256)}),
                        slice(bytes, at, bytes.length));
                case 3 -> bytes = concat(
                        slice(bytes, 0, at),
                        slice(bytes, Math.min(bytes.length, at + 1 + random.nextInt(8)), bytes.length));
                case 4 -> bytes = slice(bytes, 0, at);
                case 5 -> bytes = concat(
                        concat(slice(bytes, 0, at), slice(bytes, at, Math.min(bytes.length, at + 30))),
                        slice(bytes, at, bytes.length));
                default -> bytes = shiftByteCount(bytes, random.nextInt(5) - 2);
            }
        }
        return bytes;
    }

    /** The reply with the header's byte count changed by {@code delta}, the data left as it is. */
    private static byte[] shiftByteCount(byte[] bytes, int delta) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int lineEnd = text.indexOf("\r\n");
        int space = lineEnd < 0 ? -1 : text.lastIndexOf(' ', lineEnd);
        if (space < 0) {
            return bytes;
        }
        try {
            long count = Long.parseLong(text.substring(space + 1, lineEnd)) + delta;
            return (text.substring(0, space + 1) + count + text.substring(lineEnd))
                    .getBytes(StandardCharsets.ISO_8859_1);
        } catch (NumberFormatException e) {
            return bytes;
        }
    }

    private static byte[] validReply(ConfigCommand command, String body) {
        String header = command == ConfigCommand.CONFIG ? "CONFIG cluster" : "VALUE AmazonElastiCache:cluster";
        return ascii(header + " 0 " + body.length() + "\r\n" + body + "\r\nEND\r\n");
    }

    private static String reply(String body) {
        return "CONFIG cluster 0 " + body.length() + "\r\n" + body + "\r\nEND\r\n";
    }

    private static Optional<ClusterConfig> read(String reply, ConfigCommand command) throws Exception {
        return ConfigReplyReader.read(new ByteArrayInputStream(ascii(reply)), command);
    }

    private static void assertRefused(String reply, ConfigCommand command, String why) {
        DiscoveryException e = assertThrows(DiscoveryException.class, () -> read(reply, command), reply);
        assertEquals(DiscoveryException.Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
