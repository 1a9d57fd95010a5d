package dev.natagent.nft;

import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * A chain; base chains carry a {@link Base} (type, hook, priority, policy), regular chains (jump
 * targets) none.
 *
 * <pre>
 * NEWCHAIN: NFTA_CHAIN_TABLE(1), NFTA_CHAIN_NAME(3),
 *           [NFTA_CHAIN_TYPE(7) string, NFTA_CHAIN_POLICY(5) be32,
 *            NFTA_CHAIN_HOOK(4) nest { NFTA_HOOK_HOOKNUM(1) be32, NFTA_HOOK_PRIORITY(2) be32 signed }]
 * DELCHAIN: NFTA_CHAIN_TABLE, NFTA_CHAIN_NAME
 * dumps add NFTA_CHAIN_HANDLE(2) be64, NFTA_CHAIN_USE(6), NFTA_CHAIN_FLAGS(10)
 * </pre>
 */
public record Chain(String table, String name, Optional<Base> base, long handle) implements NftObject {
    public static final int NFTA_CHAIN_TABLE = 1;
    public static final int NFTA_CHAIN_HANDLE = 2;
    public static final int NFTA_CHAIN_NAME = 3;
    public static final int NFTA_CHAIN_HOOK = 4;
    public static final int NFTA_CHAIN_POLICY = 5;
    public static final int NFTA_CHAIN_USE = 6;
    public static final int NFTA_CHAIN_TYPE = 7;
    public static final int NFTA_CHAIN_FLAGS = 10;
    public static final int NFTA_HOOK_HOOKNUM = 1;
    public static final int NFTA_HOOK_PRIORITY = 2;

    public static final int NF_DROP = 0;
    public static final int NF_ACCEPT = 1;
    /** Well-known priorities: dstnat, srcnat and mangle (runs before dstnat). */
    public static final int PRIORITY_DSTNAT = -100;

    public static final int PRIORITY_SRCNAT = 100;
    public static final int PRIORITY_MANGLE = -150;

    public static Chain regular(String table, String name) {
        return new Chain(table, name, Optional.empty(), 0);
    }

    public static Chain base(String table, String name, String type, Hook hook, int priority) {
        return new Chain(table, name, Optional.of(new Base(type, hook, priority, NF_ACCEPT)), 0);
    }

    /** Hook registration of a base chain: type "nat" or "filter", policy NF_ACCEPT or NF_DROP. */
    public record Base(String type, Hook hook, int priority, int policy) {}

    /** Netfilter hooks of the ip family (NF_INET_*). */
    public enum Hook {
        PREROUTING,
        INPUT,
        FORWARD,
        OUTPUT,
        POSTROUTING,
        INGRESS;

        public int number() {
            return ordinal();
        }

        static Hook of(int number, int offset) throws NetlinkDecodeException {
            if (number < 0 || number >= values().length) {
                throw new NetlinkDecodeException(offset, "unknown hook number " + number);
            }
            return values()[number];
        }
    }

    @Override
    public Kind kind() {
        return Kind.CHAIN;
    }

    @Override
    public void encode(MessageWriter w) {
        w.string(NFTA_CHAIN_TABLE, table).string(NFTA_CHAIN_NAME, name);
        base.ifPresent(b -> {
            w.string(NFTA_CHAIN_TYPE, b.type()).u32Be(NFTA_CHAIN_POLICY, b.policy());
            int hook = w.beginNest(NFTA_CHAIN_HOOK);
            w.u32Be(NFTA_HOOK_HOOKNUM, b.hook().number()).u32Be(NFTA_HOOK_PRIORITY, b.priority());
            w.endNest(hook);
        });
    }

    @Override
    public void encodeDelete(MessageWriter w) {
        w.string(NFTA_CHAIN_TABLE, table).string(NFTA_CHAIN_NAME, name);
    }

    @Override
    public String describe() {
        return table + " " + name;
    }

    public static Chain decode(Attrs a) throws NetlinkDecodeException {
        Attr hookAttr = a.find(NFTA_CHAIN_HOOK);
        Optional<Base> base = Optional.empty();
        if (hookAttr != null) {
            Attrs hook = hookAttr.nested();
            base = Optional.of(new Base(
                    a.string(NFTA_CHAIN_TYPE, "NFTA_CHAIN_TYPE"),
                    Hook.of(hook.u32Be(NFTA_HOOK_HOOKNUM, "NFTA_HOOK_HOOKNUM"), hook.offset()),
                    hook.u32Be(NFTA_HOOK_PRIORITY, "NFTA_HOOK_PRIORITY"),
                    a.u32BeOr(NFTA_CHAIN_POLICY, NF_ACCEPT)));
        }
        return new Chain(
                a.string(NFTA_CHAIN_TABLE, "NFTA_CHAIN_TABLE"),
                a.string(NFTA_CHAIN_NAME, "NFTA_CHAIN_NAME"),
                base,
                a.u64BeOr(NFTA_CHAIN_HANDLE, 0));
    }
}
