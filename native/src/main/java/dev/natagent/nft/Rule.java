package dev.natagent.nft;

import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Exprs;
import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A rule: expressions plus an optional comment. {@code handle} and {@code position} (the previous
 * rule's handle) come from dumps and are 0 otherwise; the batch deletes rules by handle.
 *
 * <pre>
 * NEWRULE: NFTA_RULE_TABLE(1), NFTA_RULE_CHAIN(2),
 *          NFTA_RULE_EXPRESSIONS(4) nest { NFTA_LIST_ELEM(1) nest { NFTA_EXPR_NAME(1), NFTA_EXPR_DATA(2) }... },
 *          [NFTA_RULE_USERDATA(7) TLVs: u8 type 0 (comment), u8 len, "text\0"]
 * DELRULE: NFTA_RULE_TABLE, NFTA_RULE_CHAIN, NFTA_RULE_HANDLE(3) be64
 * dumps add NFTA_RULE_HANDLE, NFTA_RULE_POSITION(6) be64
 * </pre>
 */
public record Rule(String table, String chain, List<Expr> exprs, Optional<String> comment, long handle, long position)
        implements NftObject {
    public static final int NFTA_RULE_TABLE = 1;
    public static final int NFTA_RULE_CHAIN = 2;
    public static final int NFTA_RULE_HANDLE = 3;
    public static final int NFTA_RULE_EXPRESSIONS = 4;
    public static final int NFTA_RULE_POSITION = 6;
    public static final int NFTA_RULE_USERDATA = 7;
    /** nftnl_udata type of the comment TLV (NFTNL_UDATA_RULE_COMMENT). */
    public static final int UDATA_COMMENT = 0;
    /** The TLV length byte counts the NUL; NFT_USERDATA_MAXLEN also bounds the whole userdata. */
    public static final int MAX_COMMENT_BYTES = 254;

    public Rule {
        exprs = List.copyOf(exprs);
    }

    /** A rule to add; the comment is checked here (decoded foreign comments are kept as they are). */
    public static Rule of(String table, String chain, List<Expr> exprs, Optional<String> comment) {
        comment.ifPresent(Rule::commentTlv);
        return new Rule(table, chain, exprs, comment, 0, 0);
    }

    /** The rule to delete: table, chain and handle are all DELRULE needs. */
    public static Rule withHandle(String table, String chain, long handle) {
        return new Rule(table, chain, List.of(), Optional.empty(), handle, 0);
    }

    @Override
    public Kind kind() {
        return Kind.RULE;
    }

    @Override
    public void encode(MessageWriter w) {
        w.string(NFTA_RULE_TABLE, table).string(NFTA_RULE_CHAIN, chain);
        int list = w.beginNest(NFTA_RULE_EXPRESSIONS);
        for (Expr expr : exprs) {
            Exprs.encode(w, expr);
        }
        w.endNest(list);
        comment.ifPresent(text -> w.bytes(NFTA_RULE_USERDATA, commentTlv(text)));
    }

    @Override
    public void encodeDelete(MessageWriter w) {
        if (handle == 0) {
            throw new IllegalStateException("rule in " + describe() + " has no handle to delete by");
        }
        w.string(NFTA_RULE_TABLE, table).string(NFTA_RULE_CHAIN, chain).u64Be(NFTA_RULE_HANDLE, handle);
    }

    @Override
    public String describe() {
        return table + " " + chain + (handle != 0 ? " handle " + handle : "");
    }

    private static byte[] commentTlv(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_COMMENT_BYTES || text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("comment longer than " + MAX_COMMENT_BYTES + " bytes or with NUL");
        }
        byte[] tlv = new byte[utf8.length + 3];
        tlv[0] = UDATA_COMMENT;
        tlv[1] = (byte) (utf8.length + 1);
        System.arraycopy(utf8, 0, tlv, 2, utf8.length);
        return tlv;
    }

    public static Rule decode(Attrs a) throws NetlinkDecodeException {
        List<Expr> exprs = new ArrayList<>();
        Attr list = a.find(NFTA_RULE_EXPRESSIONS);
        if (list != null) {
            for (Attr elem : list.nested().all()) {
                if (elem.type() == NftConstants.NFTA_LIST_ELEM) {
                    exprs.add(Exprs.decode(elem.nested()));
                }
            }
        }
        Attr userdata = a.find(NFTA_RULE_USERDATA);
        return new Rule(
                a.string(NFTA_RULE_TABLE, "NFTA_RULE_TABLE"),
                a.string(NFTA_RULE_CHAIN, "NFTA_RULE_CHAIN"),
                exprs,
                userdata == null ? Optional.empty() : comment(userdata),
                a.u64BeOr(NFTA_RULE_HANDLE, 0),
                a.u64BeOr(NFTA_RULE_POSITION, 0));
    }

    /** Finds the comment TLV among nft's userdata TLVs; other TLV types are skipped. */
    private static Optional<String> comment(Attr userdata) throws NetlinkDecodeException {
        byte[] tlvs = userdata.bytes();
        int pos = 0;
        while (pos + 2 <= tlvs.length) {
            int type = tlvs[pos] & 0xff;
            int len = tlvs[pos + 1] & 0xff;
            if (pos + 2 + len > tlvs.length) {
                throw new NetlinkDecodeException(
                        userdata.offset() + pos, "rule userdata TLV overruns by " + (pos + 2 + len - tlvs.length));
            }
            if (type == UDATA_COMMENT) {
                int end = pos + 2;
                while (end < pos + 2 + len && tlvs[end] != 0) {
                    end++;
                }
                return Optional.of(new String(tlvs, pos + 2, end - pos - 2, StandardCharsets.UTF_8));
            }
            pos += 2 + len;
        }
        return Optional.empty();
    }
}
