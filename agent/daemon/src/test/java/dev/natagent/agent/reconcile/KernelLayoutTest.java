package dev.natagent.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.nft.Bytes;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class KernelLayoutTest {
    @Test
    void everyListenKeyHasItsOwnDenseIndexWhichItsKernelKeyGivesBack() {
        BitSet seen = new BitSet();
        for (Protocol protocol : Protocol.values()) {
            for (int port = PortRange.MIN; port <= PortRange.MAX; port++) {
                int index = KernelLayout.listenIndex(protocol, port);
                assertTrue(index >= 0 && index < KernelLayout.LISTEN_KEYS, protocol + " " + port + ": " + index);
                assertTrue(!seen.get(index), "index " + index + " twice");
                seen.set(index);
                assertEquals(index, KernelLayout.listenIndex(KernelLayout.protoPort(protocol, port)));
            }
        }
        assertEquals(KernelLayout.LISTEN_KEYS, seen.cardinality());
    }

    @Test
    void keysThatAreNoListenKeysHaveNoIndex() {
        assertEquals(-1, KernelLayout.listenIndex(Bytes.of(new byte[] {1, 0, 0, 0, 0, 80, 0, 0})), "icmp");
        assertEquals(-1, KernelLayout.listenIndex(Bytes.of(new byte[] {6, 0, 0, 0, 0, 0, 0, 0})), "port 0");
        assertEquals(-1, KernelLayout.listenIndex(Bytes.of(new byte[] {6, 0, 0, 0})), "short key");
    }
}
