package dev.natagent.nft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceKeyTest {
    /** Both builders lay fields out as nft's concatenation does, which Bytes.concat spells out. */
    @Test
    void keysAreTheConcatenationsNftUses() {
        assertEquals(Bytes.concat(Bytes.u8(6), Bytes.u16Be(6379)), ServiceKey.protoService(6, 6379));
        assertEquals("06000000" + "18eb0000", ServiceKey.protoService(6, 6379).hex());
        assertEquals(
                Bytes.concat(Bytes.ipv4("10.0.1.230"), Bytes.u16Be(65535)),
                ServiceKey.addrService(new byte[] {10, 0, 1, (byte) 230}, 65535));
    }

    @Test
    void readsBackWhatItBuilt() {
        for (int port : new int[] {0, 1, 255, 256, 6379, 65535}) {
            Bytes key = ServiceKey.protoService(17, port);
            assertEquals(17, ServiceKey.protocol(key));
            assertEquals(port, ServiceKey.service(key));
            Bytes data = ServiceKey.addrService(new byte[] {(byte) 198, 51, 100, 7}, port);
            assertArrayEquals(new byte[] {(byte) 198, 51, 100, 7}, ServiceKey.address(data));
            assertEquals(port, ServiceKey.service(data));
        }
    }

    /** Bytes from a kernel dump may be anything: other lengths and set padding are no such value. */
    @Test
    void otherBytesAreNoKey() {
        assertEquals(-1, ServiceKey.protocol(Bytes.u32Be(6)));
        assertEquals(-1, ServiceKey.service(Bytes.EMPTY));
        assertEquals(-1, ServiceKey.protocol(Bytes.ofHex("06000100" + "18eb0000")));
        assertEquals(-1, ServiceKey.protocol(Bytes.ofHex("06000000" + "18eb0001")));
        assertNull(ServiceKey.address(Bytes.ofHex("0a000001")));
        assertNull(ServiceKey.address(Bytes.ofHex("0a000001" + "18eb0100")));
    }

    @Test
    void refusesValuesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> ServiceKey.protoService(256, 80));
        assertThrows(IllegalArgumentException.class, () -> ServiceKey.protoService(6, 65536));
        assertThrows(IllegalArgumentException.class, () -> ServiceKey.protoService(6, -1));
        assertThrows(IllegalArgumentException.class, () -> ServiceKey.addrService(new byte[3], 80));
    }

    @Test
    void splitIsTheInverseOfConcat() {
        Bytes joined = Bytes.concat(Bytes.ipv4("10.0.0.1"), Bytes.u16Be(443), Bytes.u8(6));
        assertEquals(
                List.of(Bytes.ipv4("10.0.0.1"), Bytes.u16Be(443), Bytes.u8(6)),
                joined.split(List.of(4, 2, 1)).orElseThrow());
        assertEquals(443, joined.u16BeAt(4));
        assertEquals(6, joined.u8At(8));
        assertEquals(java.util.Optional.empty(), joined.split(List.of(4, 4, 4, 4)));
    }
}
