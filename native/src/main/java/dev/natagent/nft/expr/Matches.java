package dev.natagent.nft.expr;

import static dev.natagent.nft.expr.Registers.NFT_REG32_01;
import static dev.natagent.nft.expr.Registers.NFT_REG_1;

import dev.natagent.nft.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Expression sequences for the matches nft generates, so callers say what to match and the bytes
 * are nft's (each checked against a golden capture or nft --debug=netlink 1.0.6).
 */
public final class Matches {
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    /** IFNAMSIZ: interface names are compared as 16 NUL-padded bytes. */
    public static final int IFNAME_BYTES = 16;

    private Matches() {}

    /** {@code meta l4proto P}: one byte, as nft adds before every transport header load. */
    public static List<Expr> l4proto(int protocol) {
        return List.of(new Meta(Meta.NFT_META_L4PROTO, NFT_REG_1), Cmp.eq(NFT_REG_1, Bytes.of((byte) protocol)));
    }

    /** {@code tcp dport N} (also {@code udp} with {@link #IPPROTO_UDP}). */
    public static List<Expr> dport(int protocol, int port) {
        List<Expr> out = new ArrayList<>(l4proto(protocol));
        out.add(Payload.thDport(NFT_REG_1));
        out.add(Cmp.eq(NFT_REG_1, Bytes.u16Be(port)));
        return out;
    }

    /** {@code ip saddr A} for a single address. */
    public static List<Expr> ipSaddr(Bytes address) {
        return List.of(Payload.ipSaddr(NFT_REG_1), Cmp.eq(NFT_REG_1, address));
    }

    /** {@code ip daddr A}. */
    public static List<Expr> ipDaddr(Bytes address) {
        return List.of(Payload.ipDaddr(NFT_REG_1), Cmp.eq(NFT_REG_1, address));
    }

    /**
     * {@code ip saddr NET/LEN}: a byte-aligned prefix loads only its bytes (/16: 2 bytes); any other
     * loads 4 bytes and masks them with bitwise, as nft does.
     */
    public static List<Expr> ipSaddrPrefix(Bytes network, int prefixLen) {
        if (network.length() != 4 || prefixLen < 1 || prefixLen > 32) {
            throw new IllegalArgumentException("not an IPv4 prefix: " + network + "/" + prefixLen);
        }
        if (prefixLen % 8 == 0) {
            byte[] prefix = new byte[prefixLen / 8];
            for (int i = 0; i < prefix.length; i++) {
                prefix[i] = network.get(i);
            }
            return List.of(
                    new Payload(NFT_REG_1, Payload.BASE_NETWORK, 12, prefix.length),
                    Cmp.eq(NFT_REG_1, Bytes.of(prefix)));
        }
        int mask = -1 << (32 - prefixLen);
        return List.of(
                Payload.ipSaddr(NFT_REG_1),
                new Bitwise(NFT_REG_1, NFT_REG_1, 4, Bytes.u32Be(mask), Bytes.u32Be(0)),
                Cmp.eq(NFT_REG_1, network));
    }

    /** {@code oifname NAME}: exact name, NUL-padded to 16 bytes. */
    public static List<Expr> oifname(String name) {
        return List.of(new Meta(Meta.NFT_META_OIFNAME, NFT_REG_1), Cmp.eq(NFT_REG_1, ifname(name)));
    }

    /** {@code iifname NAME}. */
    public static List<Expr> iifname(String name) {
        return List.of(new Meta(Meta.NFT_META_IIFNAME, NFT_REG_1), Cmp.eq(NFT_REG_1, ifname(name)));
    }

    /** {@code ct state established,related} for {@code bits} = STATE_ESTABLISHED | STATE_RELATED. */
    public static List<Expr> ctStateAny(int bits) {
        return List.of(
                new Ct(Ct.NFT_CT_STATE, NFT_REG_1, OptionalInt.empty()),
                new Bitwise(NFT_REG_1, NFT_REG_1, 4, Bytes.u32Host(bits), Bytes.u32Be(0)),
                new Cmp(NFT_REG_1, Cmp.NEQ, Bytes.u32Be(0)));
    }

    /**
     * The key {@code ip saddr . th dport} in reg 1 and reg 9 (the concatenation rule in
     * {@link Registers}), after the l4proto match; follow it with a lookup on sreg 1.
     */
    public static List<Expr> saddrDportKey(int protocol) {
        List<Expr> out = new ArrayList<>(l4proto(protocol));
        out.add(Payload.ipSaddr(NFT_REG_1));
        out.add(Payload.thDport(NFT_REG32_01));
        return out;
    }

    /**
     * The cmp data of {@code oifname NAME} / {@code iifname NAME}: the name NUL-padded to 16 bytes;
     * for {@code "ens*"} just the prefix's bytes, which is how nft matches a wildcard.
     */
    public static Bytes ifname(String name) {
        boolean wildcard = name.endsWith("*");
        byte[] utf8 = (wildcard ? name.substring(0, name.length() - 1) : name).getBytes(StandardCharsets.UTF_8);
        if (utf8.length >= IFNAME_BYTES || utf8.length == 0) {
            throw new IllegalArgumentException("interface name must be 1.." + (IFNAME_BYTES - 1) + " bytes: " + name);
        }
        return Bytes.of(wildcard ? utf8 : Arrays.copyOf(utf8, IFNAME_BYTES));
    }
}
