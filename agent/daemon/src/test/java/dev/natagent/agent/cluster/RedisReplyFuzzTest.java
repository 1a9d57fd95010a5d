package dev.natagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Role;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The RESP reader and the topology parsers against real reply shapes, then against 100,000 random
 * and mutated replies: every outcome is a topology or a DiscoveryException, never another
 * exception, and a reply that parses is a complete topology.
 */
class RedisReplyFuzzTest {
    private static final int CASES = 100_000;
    private static final String ID_A = "a".repeat(40);
    private static final String ID_B = "b".repeat(40);
    private static final String ID_C = "c".repeat(40);

    /** CLUSTER SHARDS as Redis 7.0 answers it: one shard of a primary and a replica, one of a primary. */
    static byte[] shards() {
        return resp(List.of(
                List.of(
                        "slots",
                        List.of(0L, 8191L),
                        "nodes",
                        List.of(
                                node(ID_A, "10.0.1.21", "node-a.orders.test", "master", "online"),
                                node(ID_C, "10.0.1.23", "", "replica", "online"))),
                List.of(
                        "slots",
                        List.of(8192L, 16383L),
                        "nodes",
                        List.of(node(ID_B, "10.0.1.22", "node-b.orders.test", "master", "online")))));
    }

    static List<Object> node(String id, String ip, String hostname, String role, String health) {
        return List.of(
                "id",
                id,
                "port",
                6379L,
                "ip",
                ip,
                "endpoint",
                ip,
                "hostname",
                hostname,
                "role",
                role,
                "replication-offset",
                1234L,
                "health",
                health);
    }

    /** CLUSTER SLOTS: only the primaries (right after formation) and the old three-field node entries. */
    static byte[] slots() {
        return resp(List.of(
                List.of(0L, 8191L, List.of("10.0.1.21", 6379L, ID_A), List.of("10.0.1.23", 6379L, ID_C)),
                List.of(8192L, 16383L, List.of("10.0.1.22", 6379L, ID_B, List.of("hostname", "node-b.orders.test")))));
    }

    @Test
    void shardsGiveEveryNodeWithItsRoleAndAdvertisedName() throws Exception {
        Topology topology = RedisTopology.fromShards(read(shards()), false);
        assertEquals(
                List.of(
                        new TopologyNode(ID_A, "node-a.orders.test", Ipv4.parse("10.0.1.21"), 6379, Role.PRIMARY),
                        new TopologyNode(ID_C, null, Ipv4.parse("10.0.1.23"), 6379, Role.REPLICA),
                        new TopologyNode(ID_B, "node-b.orders.test", Ipv4.parse("10.0.1.22"), 6379, Role.PRIMARY)),
                topology.nodes());
    }

    @Test
    void slotsGivePrimariesFirstAndReplicasAfter() throws Exception {
        Topology topology = RedisTopology.fromSlots(read(slots()), false);
        assertEquals(3, topology.nodes().size());
        assertEquals(Role.PRIMARY, topology.nodes().get(0).role());
        assertEquals(Role.REPLICA, topology.nodes().get(1).role());
        assertEquals("node-b.orders.test", topology.nodes().get(2).advertisedHost());
    }

    @Test
    void aFailedNodeIsLeftOutAndALoopbackNodeIsRefused() throws Exception {
        byte[] failed = resp(List.of(List.of(
                "slots",
                List.of(0L, 16383L),
                "nodes",
                List.of(
                        node(ID_A, "10.0.1.21", "", "master", "online"),
                        node(ID_B, "10.0.1.22", "", "replica", "failed")))));
        assertEquals(1, RedisTopology.fromShards(read(failed), false).nodes().size());
        byte[] loopback = resp(List.of(List.of(
                "slots", List.of(0L, 16383L), "nodes", List.of(node(ID_A, "127.0.0.1", "", "master", "online")))));
        DiscoveryException e =
                assertThrows(DiscoveryException.class, () -> RedisTopology.fromShards(read(loopback), false));
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
    }

    @Test
    void boundsHold() {
        assertGarbage(("$" + (RespReader.MAX_BULK + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        assertGarbage(("*" + (RespReader.MAX_ARRAY + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        assertGarbage("*1\r\n".repeat(RespReader.MAX_DEPTH + 2).getBytes(StandardCharsets.US_ASCII));
        assertGarbage(("+" + "x".repeat(RespReader.MAX_LINE + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        assertGarbage(":99999999999999999999999\r\n".getBytes(StandardCharsets.US_ASCII));
        // Many arrays of many bulk strings: the reply as a whole stays bounded.
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        big.writeBytes("*16\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 16; i++) {
            big.writeBytes(("$" + RespReader.MAX_BULK + "\r\n").getBytes(StandardCharsets.US_ASCII));
            big.writeBytes(new byte[RespReader.MAX_BULK]);
            big.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertGarbage(big.toByteArray());
    }

    @Test
    void randomAndMutatedRepliesNeverThrowAnythingElse() {
        Random random = new Random(19);
        byte[][] seeds = {shards(), slots()};
        int parsed = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] input = i % 10 == 0 ? randomBytes(random) : mutate(seeds[random.nextInt(seeds.length)], random);
            boolean shards = random.nextBoolean();
            try {
                Topology topology = shards
                        ? RedisTopology.fromShards(read(input), random.nextBoolean())
                        : RedisTopology.fromSlots(read(input), random.nextBoolean());
                assertTrue(!topology.nodes().isEmpty(), "a parsed topology has nodes");
                parsed++;
            } catch (DiscoveryException expected) {
                assertTrue(
                        expected.getMessage() != null && !expected.getMessage().isEmpty());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                fail("case " + i + " threw " + e + " for " + abbreviate(input), e);
            }
        }
        assertTrue(parsed > 0, "some mutations still parse (the seeds are valid)");
    }

    private static void assertGarbage(byte[] input) {
        DiscoveryException e = assertThrows(DiscoveryException.class, () -> read(input));
        assertEquals(DiscoveryException.Kind.PROTOCOL, e.kind());
    }

    static Object read(byte[] input) throws DiscoveryException {
        return new RespReader(new ByteArrayInputStream(input)).read();
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        if (bytes.length > 0) {
            bytes[0] = (byte) "+-:$*".charAt(random.nextInt(5));
        }
        return bytes;
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] bytes = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(5)) {
                case 0 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                case 1 -> bytes[random.nextInt(bytes.length)] =
                        (byte) "0123456789-*$:+\r\n.".charAt(random.nextInt(18));
                case 2 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                case 3 -> {
                    int at = random.nextInt(bytes.length + 1);
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                default -> {
                    if (bytes.length > 1) {
                        int from = random.nextInt(bytes.length);
                        int to = random.nextInt(bytes.length);
                        byte swap = bytes[from];
                        bytes[from] = bytes[to];
                        bytes[to] = swap;
                    }
                }
            }
            if (bytes.length == 0) {
                break;
            }
        }
        return bytes;
    }

    private static String abbreviate(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** RESP2 encoding of strings (bulk), longs (integers) and lists (arrays). */
    static byte[] resp(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value instanceof String text) {
            byte[] data = text.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(("$" + data.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(data);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        } else if (value instanceof Long number) {
            out.writeBytes((":" + number + "\r\n").getBytes(StandardCharsets.US_ASCII));
        } else if (value instanceof List<?> list) {
            out.writeBytes(("*" + list.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            list.forEach(item -> write(out, item));
        } else {
            throw new IllegalArgumentException("cannot encode " + value);
        }
    }
}
