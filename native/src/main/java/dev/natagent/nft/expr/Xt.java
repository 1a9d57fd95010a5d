package dev.natagent.nft.expr;

import dev.natagent.nft.Bytes;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An x_tables match or target inside an nf_tables rule, as iptables-nft writes what it cannot
 * express natively ({@code -j DNAT}, {@code -m multiport}). {@code info} is the x_tables structure
 * in host byte order.
 *
 * <pre>
 * expression "match" or "target": NAME(1) string, REV(2) be32, INFO(3) bytes
 * </pre>
 */
public record Xt(String kind, String module, int revision, Bytes info) implements Expr {
    public static final String MATCH = "match";
    public static final String TARGET = "target";
    public static final int NFTA_XT_NAME = 1;
    public static final int NFTA_XT_REV = 2;
    public static final int NFTA_XT_INFO = 3;
    private static final int XT_INV_DSTPT = 0x02;
    private static final int MULTIPORT_DESTINATION = 1;
    private static final int MULTIPORT_EITHER = 2;
    private static final int MULTIPORT_MAX = 15;

    /** Destination ports an xt match selects: inclusive ranges, or all ports but them when inverted. */
    public record Ports(List<int[]> ranges, boolean inverted) {}

    @Override
    public String name() {
        return kind;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.string(NFTA_XT_NAME, module);
        w.u32Be(NFTA_XT_REV, revision);
        info.write(w, NFTA_XT_INFO);
    }

    /**
     * The destination ports of a {@code tcp}, {@code udp} (struct xt_tcp / xt_udp: spts[2], dpts[2]
     * u16, ..., invflags) or {@code multiport} revision 1 match (struct xt_multiport_v1: flags,
     * count, ports[15] u16, pflags[15], invert); empty for anything else.
     */
    public Optional<Ports> destinationPorts() {
        if (!kind.equals(MATCH)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(info.toArray()).order(ByteOrder.nativeOrder());
        switch (module) {
            case "tcp", "udp" -> {
                if (b.remaining() < 8 + 4) {
                    return Optional.empty();
                }
                int invflags = b.get(module.equals("tcp") ? 11 : 8) & 0xff;
                int[] range = {b.getShort(4) & 0xffff, b.getShort(6) & 0xffff};
                return Optional.of(new Ports(List.<int[]>of(range), (invflags & XT_INV_DSTPT) != 0));
            }
            case "multiport" -> {
                if (revision != 1 || b.remaining() < 2 + 2 * MULTIPORT_MAX + MULTIPORT_MAX + 1) {
                    return Optional.empty();
                }
                int flags = b.get(0) & 0xff;
                if (flags != MULTIPORT_DESTINATION && flags != MULTIPORT_EITHER) {
                    return Optional.empty();
                }
                int count = Math.min(b.get(1) & 0xff, MULTIPORT_MAX);
                List<int[]> ranges = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int port = b.getShort(2 + 2 * i) & 0xffff;
                    boolean rangeStart = b.get(2 + 2 * MULTIPORT_MAX + i) != 0 && i + 1 < count;
                    if (rangeStart) {
                        ranges.add(new int[] {port, b.getShort(2 + 2 * (i + 1)) & 0xffff});
                        i++;
                    } else {
                        ranges.add(new int[] {port, port});
                    }
                }
                boolean inverted = b.get(2 + 3 * MULTIPORT_MAX) != 0;
                return Optional.of(new Ports(ranges, inverted));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    static Optional<Expr> decode(String kind, Attrs a) throws NetlinkDecodeException {
        return Optional.of(new Xt(
                kind,
                a.string(NFTA_XT_NAME, "NFTA_XT_NAME"),
                a.u32BeOr(NFTA_XT_REV, 0),
                a.has(NFTA_XT_INFO) ? Bytes.of(a.require(NFTA_XT_INFO, "NFTA_XT_INFO")) : Bytes.EMPTY));
    }
}
