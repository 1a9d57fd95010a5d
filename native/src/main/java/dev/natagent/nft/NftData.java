package dev.natagent.nft;

import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * The content of an NFTA_DATA nest (cmp/immediate data, set keys and map data): either raw register
 * bytes or a verdict.
 *
 * <pre>
 * nest {
 *   NFTA_DATA_VALUE(1)   raw bytes                              -- Value
 *   NFTA_DATA_VERDICT(2) nest { NFTA_VERDICT_CODE(1) be32,
 *                              [NFTA_VERDICT_CHAIN(2) string] } -- Verdict
 * }
 * </pre>
 */
public sealed interface NftData {
    int NFTA_DATA_VALUE = 1;
    int NFTA_DATA_VERDICT = 2;
    int NFTA_VERDICT_CODE = 1;
    int NFTA_VERDICT_CHAIN = 2;

    /** Writes the nest {@code type} holding this data. */
    void encode(MessageWriter w, int type);

    /** Register bytes (network order for packet fields, host order for meta/ct values). */
    record Value(Bytes bytes) implements NftData {
        @Override
        public void encode(MessageWriter w, int type) {
            encode(w, type, bytes);
        }

        /** Writes the nest {@code type} holding {@code bytes} as a value, without a Value to hold them. */
        public static void encode(MessageWriter w, int type, Bytes bytes) {
            int nest = w.beginNest(type);
            bytes.write(w, NFTA_DATA_VALUE);
            w.endNest(nest);
        }
    }

    /** A verdict; {@code chain} is present exactly for JUMP and GOTO. */
    record Verdict(Code code, Optional<String> chain) implements NftData {
        public Verdict {
            if (code.needsChain() != chain.isPresent()) {
                throw new IllegalArgumentException(code + (code.needsChain() ? " needs" : " takes no") + " chain");
            }
        }

        public static final Verdict ACCEPT = new Verdict(Code.ACCEPT, Optional.empty());
        public static final Verdict DROP = new Verdict(Code.DROP, Optional.empty());
        public static final Verdict CONTINUE = new Verdict(Code.CONTINUE, Optional.empty());
        public static final Verdict RETURN = new Verdict(Code.RETURN, Optional.empty());

        public static Verdict jump(String chain) {
            return new Verdict(Code.JUMP, Optional.of(chain));
        }

        public static Verdict goTo(String chain) {
            return new Verdict(Code.GOTO, Optional.of(chain));
        }

        @Override
        public void encode(MessageWriter w, int type) {
            int nest = w.beginNest(type);
            int verdict = w.beginNest(NFTA_DATA_VERDICT);
            w.u32Be(NFTA_VERDICT_CODE, code.value);
            chain.ifPresent(name -> w.string(NFTA_VERDICT_CHAIN, name));
            w.endNest(verdict);
            w.endNest(nest);
        }

        static Verdict decode(Attr nest) throws NetlinkDecodeException {
            Attrs a = nest.nested();
            Code code = Code.of(a.u32Be(NFTA_VERDICT_CODE, "NFTA_VERDICT_CODE"), a.offset());
            Optional<String> chain = code.needsChain()
                    ? Optional.of(a.string(NFTA_VERDICT_CHAIN, "NFTA_VERDICT_CHAIN"))
                    : Optional.empty();
            return new Verdict(code, chain);
        }
    }

    /** Verdict codes: NF_DROP/NF_ACCEPT and the negative NFT_* codes (signed, big-endian). */
    enum Code {
        DROP(0),
        ACCEPT(1),
        CONTINUE(-1),
        BREAK(-2),
        JUMP(-3),
        GOTO(-4),
        RETURN(-5);

        public final int value;

        Code(int value) {
            this.value = value;
        }

        boolean needsChain() {
            return this == JUMP || this == GOTO;
        }

        static Code of(int value, int offset) throws NetlinkDecodeException {
            for (Code code : values()) {
                if (code.value == value) {
                    return code;
                }
            }
            throw new NetlinkDecodeException(offset, "unknown verdict code " + value);
        }
    }

    /** Decodes an NFTA_DATA-style nest. */
    static NftData decode(Attr nest) throws NetlinkDecodeException {
        Attrs a = nest.nested();
        Attr value = a.find(NFTA_DATA_VALUE);
        if (value != null) {
            return new Value(Bytes.of(value));
        }
        Attr verdict = a.find(NFTA_DATA_VERDICT);
        if (verdict != null) {
            return Verdict.decode(verdict);
        }
        throw new NetlinkDecodeException(a.offset(), "data nest " + nest.type() + " has neither value nor verdict");
    }

    /** Decodes a nest that must hold a value (keys, cmp data, bitwise masks). */
    static Bytes decodeValue(Attr nest) throws NetlinkDecodeException {
        Attrs a = nest.nested();
        return Bytes.of(a.require(NFTA_DATA_VALUE, "NFTA_DATA_VALUE"));
    }
}
