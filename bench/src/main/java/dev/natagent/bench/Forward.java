package dev.natagent.bench;

import dev.natagent.nft.Bytes;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.expr.Matches;
import java.util.ArrayList;
import java.util.List;

/**
 * One port forward as the benchmark writes it for every tool: {@code protocol . port} to {@code
 * address . targetPort}. The same forwards become map elements (ours), nft text and iptables rules.
 */
record Forward(int protocol, int port, int address, int targetPort) {
    static final int FIRST_PORT = 10_000;
    static final int TARGET_PORT = 6379;

    /** {@code n} TCP forwards on ports 10000.., each to its own address 10.1.0.0.. port 6379. */
    static List<Forward> tcp(int n) {
        if (n > 65_536 - FIRST_PORT) {
            throw new IllegalArgumentException("at most " + (65_536 - FIRST_PORT) + " forwards: " + n);
        }
        List<Forward> forwards = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            forwards.add(new Forward(Matches.IPPROTO_TCP, FIRST_PORT + i, (10 << 24) | (1 << 16) | i, TARGET_PORT));
        }
        return forwards;
    }

    /** A UDP forward to 10.2.0.1:6379: never among {@link #tcp}, so adding it to a pre-filled map is new. */
    static Forward udp(int port) {
        return new Forward(Matches.IPPROTO_UDP, port, (10 << 24) | (2 << 16) | 1, TARGET_PORT);
    }

    /** The map element: key {@code l4proto . dport}, data {@code address . port}, each field padded to 4. */
    SetElement element() {
        return SetElement.mapping(key(), Bytes.concat(Bytes.u32Be(address), Bytes.u16Be(targetPort)));
    }

    /** The key alone, as a delete sends it. */
    SetElement keyElement() {
        return SetElement.key(key());
    }

    private Bytes key() {
        return Bytes.concat(Bytes.of((byte) protocol), Bytes.u16Be(port));
    }

    /** nft syntax of the map element: {@code tcp . 10000 : 10.1.0.0 . 6379}. */
    String nftElement() {
        return nftKey() + " : " + nftData();
    }

    String nftData() {
        return dotted() + " . " + targetPort;
    }

    String nftKey() {
        return protocolName() + " . " + port;
    }

    /** iptables-restore syntax of the equivalent DNAT rule. */
    String iptablesRule() {
        String p = protocolName();
        return "-A PREROUTING -p " + p + " -m " + p + " --dport " + port + " -j DNAT --to-destination " + dotted() + ":"
                + targetPort;
    }

    private String protocolName() {
        return protocol == Matches.IPPROTO_TCP ? "tcp" : "udp";
    }

    private String dotted() {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }
}
