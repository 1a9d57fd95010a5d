package dev.natagent.agent.reconcile;

import dev.natagent.nft.Chain;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.expr.Counter;
import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Nat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Brings kernel listings and rendered objects to one comparable form. Dumps differ from requests
 * (docs/netlink.md, "What a dump carries that a request must not"): they carry handles and
 * positions, set handles, ids and nft display userdata, counter values, lookups without set ids,
 * and nat expressions with ADDR_MAX, PROTO_MAX and flags the kernel filled in, verdict maps with a
 * data length. None of that changes what the ruleset does.
 */
final class Normalize {
    /** Set flags that describe the set's behaviour; EXPR is how a kernel may report a set counter. */
    private static final int SET_FLAGS = ~NftSet.F_EXPR;
    /** nat flags implied by the registers we send (the kernel sets them itself). */
    private static final int NAT_IMPLIED_FLAGS = Nat.F_MAP_IPS | Nat.F_PROTO_SPECIFIED;

    private Normalize() {}

    static Chain chain(Chain chain) {
        return new Chain(chain.table(), chain.name(), chain.base(), 0);
    }

    static NftSet set(NftSet set) {
        return new NftSet(
                set.table(),
                set.name(),
                set.flags() & SET_FLAGS,
                set.keyType(),
                set.keyLen(),
                set.dataType(),
                // A verdict map is created with no data length; the kernel reports its verdict size.
                set.dataType() == NftSet.TYPE_VERDICT ? 0 : set.dataLen(),
                set.concatFieldLens(),
                0,
                set.size(),
                set.counter(),
                Optional.empty(),
                0);
    }

    static Rule rule(Rule rule) {
        List<Expr> exprs = rule.exprs().stream().map(Normalize::expr).toList();
        return new Rule(rule.table(), rule.chain(), exprs, rule.comment(), 0, 0);
    }

    static Expr expr(Expr expr) {
        if (expr instanceof Counter) {
            return Counter.zero();
        }
        if (expr instanceof Lookup lookup) {
            return new Lookup(lookup.sreg(), lookup.dreg(), lookup.set(), OptionalInt.empty(), lookup.invert());
        }
        if (expr instanceof Nat nat) {
            return new Nat(
                    nat.type(),
                    nat.family(),
                    nat.regAddrMin(),
                    nat.regAddrMax().equals(nat.regAddrMin()) ? OptionalInt.empty() : nat.regAddrMax(),
                    nat.regProtoMin(),
                    nat.regProtoMax().equals(nat.regProtoMin()) ? OptionalInt.empty() : nat.regProtoMax(),
                    nat.flags() & ~NAT_IMPLIED_FLAGS);
        }
        return expr;
    }
}
