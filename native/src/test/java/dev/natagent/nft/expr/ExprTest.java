package dev.natagent.nft.expr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.nft.Bytes;
import dev.natagent.nft.NftData;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ExprTest {
    /** Checked against nft 1.0.6 --debug=netlink for 'ip saddr 10.0.0.0/20'. */
    @Test
    void unalignedPrefixLoadsFourBytesAndMasks() {
        assertEquals(
                List.of(
                        Payload.ipSaddr(Registers.NFT_REG_1),
                        new Bitwise(1, 1, 4, Bytes.ofHex("fffff000"), Bytes.ofHex("00000000")),
                        Cmp.eq(1, Bytes.ofHex("0a000000"))),
                Matches.ipSaddrPrefix(Bytes.ipv4("10.0.0.0"), 20));
        assertThrows(IllegalArgumentException.class, () -> Matches.ipSaddrPrefix(Bytes.ipv4("10.0.0.0"), 33));
        assertThrows(IllegalArgumentException.class, () -> Matches.oifname("a-very-long-ifname"));
    }

    /** An expression nat-agent does not model (here 'limit') survives decode and encode byte for byte. */
    @Test
    void unknownExpressionIsKeptRaw() throws Exception {
        MessageWriter w = new MessageWriter();
        int elem = w.beginNest(Exprs.NFTA_LIST_ELEM);
        w.string(Exprs.NFTA_EXPR_NAME, "limit");
        int data = w.beginNest(Exprs.NFTA_EXPR_DATA);
        w.u64Be(1, 10).u64Be(2, 1).u32Be(3, 0);
        w.endNest(data);
        w.endNest(elem);
        byte[] original = w.toByteArray();

        Expr decoded = Exprs.decode(nest(original));
        UnknownExpr unknown = assertInstanceOf(UnknownExpr.class, decoded);
        assertEquals("limit", unknown.name());

        MessageWriter again = new MessageWriter();
        Exprs.encode(again, unknown);
        assertArrayEquals(original, again.toByteArray());
    }

    /** Known names in shapes we do not model (meta set, bitwise shift) stay opaque instead of lying. */
    @Test
    void unmodelledShapesOfKnownNamesAreUnknown() throws Exception {
        assertInstanceOf(UnknownExpr.class, decodeData("meta", w -> w.u32Be(Meta.NFTA_META_KEY, 3)
                .u32Be(3, 1)));
        assertInstanceOf(UnknownExpr.class, decodeData("bitwise", w -> w.u32Be(Bitwise.NFTA_BITWISE_SREG, 1)
                .u32Be(Bitwise.NFTA_BITWISE_OP, 1)));
        assertInstanceOf(UnknownExpr.class, decodeData("payload", w -> w.u32Be(Payload.NFTA_PAYLOAD_SREG, 1)));
    }

    @Test
    void missingMandatoryAttributeIsATypedError() {
        NetlinkDecodeException e =
                assertThrows(NetlinkDecodeException.class, () -> decodeData("cmp", w -> w.u32Be(Cmp.NFTA_CMP_SREG, 1)));
        assertTrue(e.getMessage().contains("NFTA_CMP_OP"), e.getMessage());
    }

    @Test
    void everyModelledExpressionRoundTrips() throws Exception {
        List<Expr> all = List.of(
                new Meta(Meta.NFT_META_MARK, 1),
                Payload.thDport(Registers.NFT_REG32_01),
                new Cmp(1, Cmp.GTE, Bytes.u16Be(1024)),
                new Bitwise(1, 1, 4, Bytes.ofHex("06000000"), Bytes.ofHex("00000000")),
                Immediate.value(2, Bytes.u16Be(80)),
                Immediate.verdict(NftData.Verdict.goTo("svc")),
                new Lookup(1, OptionalInt.of(0), "vmap", OptionalInt.of(7), true),
                new Nat(
                        Nat.NFT_NAT_SNAT,
                        2,
                        OptionalInt.of(1),
                        OptionalInt.of(2),
                        OptionalInt.empty(),
                        OptionalInt.empty(),
                        Nat.F_MAP_IPS | Nat.F_PERSISTENT),
                new Masq(Nat.F_RANDOM_FULLY, OptionalInt.of(1), OptionalInt.of(1)),
                new Counter(1500, 3),
                Objref.counter("fwd_1"),
                new Ct(Ct.NFT_CT_MARK, 1, OptionalInt.of(1)));
        for (Expr expr : all) {
            MessageWriter w = new MessageWriter();
            Exprs.encode(w, expr);
            assertEquals(expr, Exprs.decode(nest(w.toByteArray())), expr.toString());
        }
    }

    private interface Body {
        void write(MessageWriter w);
    }

    private static Expr decodeData(String name, Body body) throws NetlinkDecodeException {
        MessageWriter w = new MessageWriter();
        int elem = w.beginNest(Exprs.NFTA_LIST_ELEM);
        w.string(Exprs.NFTA_EXPR_NAME, name);
        int data = w.beginNest(Exprs.NFTA_EXPR_DATA);
        body.write(w);
        w.endNest(data);
        w.endNest(elem);
        return Exprs.decode(nest(w.toByteArray()));
    }

    /** The attributes inside the single list entry in {@code bytes}. */
    private static Attrs nest(byte[] bytes) throws NetlinkDecodeException {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        return Attrs.parse(buf, 0, bytes.length).all().get(0).nested();
    }
}
