package dev.natagent.nft.expr;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * An anonymous per-rule (or per-element) counter. Created with zeros as an empty DATA nest, as nft
 * does; non-zero values (from dumps) are written back as initial values.
 *
 * <pre>
 * [NFTA_COUNTER_BYTES(1) be64, NFTA_COUNTER_PACKETS(2) be64]
 * </pre>
 */
public record Counter(long bytes, long packets) implements Expr {
    public static final String NAME = "counter";
    public static final int NFTA_COUNTER_BYTES = 1;
    public static final int NFTA_COUNTER_PACKETS = 2;

    public static Counter zero() {
        return new Counter(0, 0);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        if (bytes != 0 || packets != 0) {
            w.u64Be(NFTA_COUNTER_BYTES, bytes).u64Be(NFTA_COUNTER_PACKETS, packets);
        }
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        return Optional.of(new Counter(a.u64BeOr(NFTA_COUNTER_BYTES, 0), a.u64BeOr(NFTA_COUNTER_PACKETS, 0)));
    }
}
