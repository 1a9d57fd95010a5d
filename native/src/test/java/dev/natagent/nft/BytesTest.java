package dev.natagent.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BytesTest {
    @Test
    void equalContentsAreEqualWithEqualHashes() {
        Bytes a = Bytes.of((byte) 10, (byte) 0, (byte) 1, (byte) 2);
        Bytes b = Bytes.ipv4("10.0.1.2");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, Bytes.ipv4("10.0.1.3"));
    }

    /** Set keys of a big apply are ports: a HashMap of them must not pile them into few buckets. */
    @Test
    void everyPortKeyHashesApart() {
        Set<Integer> twoByte = new HashSet<>();
        Set<Integer> padded = new HashSet<>();
        for (int port = 0; port <= 0xffff; port++) {
            twoByte.add(Bytes.u16Be(port).hashCode());
            padded.add(Bytes.u32Be(port).hashCode());
        }
        assertEquals(65_536, twoByte.size());
        assertEquals(65_536, padded.size());
    }

    /** A short value as a number keeps every bit, the high ones unsigned, and nothing longer fits. */
    @Test
    void shortValuesReadAsOneNumber() {
        assertEquals(
                0x0a0001e6_18eb0000L,
                ServiceKey.addrService(new byte[] {10, 0, 1, (byte) 230}, 6379).asLongBe());
        assertEquals(0xc6336407L, Bytes.ipv4("198.51.100.7").asLongBe());
        assertEquals(-1L, Bytes.ofHex("ffffffffffffffff").asLongBe());
        assertEquals(0L, Bytes.EMPTY.asLongBe());
        assertThrows(IllegalStateException.class, () -> Bytes.zeros(9).asLongBe());
    }
}
