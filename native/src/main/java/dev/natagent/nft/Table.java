package dev.natagent.nft;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;

/**
 * A table. {@code handle} is 0 unless decoded from the kernel.
 *
 * <pre>
 * NEWTABLE: NFTA_TABLE_NAME(1) string, NFTA_TABLE_FLAGS(2) be32
 * DELTABLE: NFTA_TABLE_NAME
 * dumps add NFTA_TABLE_USE(3) be32, NFTA_TABLE_HANDLE(4) be64
 * </pre>
 */
public record Table(String name, int flags, long handle) implements NftObject {
    public static final int NFTA_TABLE_NAME = 1;
    public static final int NFTA_TABLE_FLAGS = 2;
    public static final int NFTA_TABLE_USE = 3;
    public static final int NFTA_TABLE_HANDLE = 4;
    /**
     * Owned by the creating socket and deleted when it closes, so nat-agent never sets it
     * (docs/netlink.md, "Tables, chains and rules").
     */
    public static final int NFT_TABLE_F_OWNER = 2;

    public static Table of(String name) {
        return new Table(name, 0, 0);
    }

    @Override
    public Kind kind() {
        return Kind.TABLE;
    }

    @Override
    public void encode(MessageWriter w) {
        w.string(NFTA_TABLE_NAME, name).u32Be(NFTA_TABLE_FLAGS, flags);
    }

    @Override
    public void encodeDelete(MessageWriter w) {
        w.string(NFTA_TABLE_NAME, name);
    }

    @Override
    public String describe() {
        return name;
    }

    public static Table decode(Attrs a) throws NetlinkDecodeException {
        return new Table(
                a.string(NFTA_TABLE_NAME, "NFTA_TABLE_NAME"),
                a.u32BeOr(NFTA_TABLE_FLAGS, 0),
                a.u64BeOr(NFTA_TABLE_HANDLE, 0));
    }
}
