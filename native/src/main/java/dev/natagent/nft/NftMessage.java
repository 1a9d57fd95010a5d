package dev.natagent.nft;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NlMessage;

/**
 * A decoded nf_tables message (dump reply, monitor event, echoed request): header fields plus the
 * object it carries. In kernel messages {@code pid} is the port id of the socket that caused it and
 * {@code resId} the low 16 bits of the generation.
 */
public record NftMessage(int msgType, int flags, int seq, int pid, int family, int resId, NftBody body) {
    /** Decodes an NFNL_SUBSYS_NFTABLES message; unmodelled types give {@link NftBody.Unmodelled}. */
    public static NftMessage decode(NlMessage m) throws NetlinkDecodeException {
        if (m.subsystem() != NftConstants.NFNL_SUBSYS_NFTABLES) {
            throw new NetlinkDecodeException(m.offset(), "message type " + m.type() + " is not nf_tables");
        }
        int msg = m.nftMsg();
        return new NftMessage(msg, m.flags(), m.seq(), m.pid(), m.family(), m.resId(), body(msg, m.attrs()));
    }

    /** True for DEL* and DESTROY* messages (events of removed objects). */
    public boolean isDelete() {
        return switch (msgType) {
            case NftConstants.DELTABLE,
                    NftConstants.DELCHAIN,
                    NftConstants.DELRULE,
                    NftConstants.DELSET,
                    NftConstants.DELSETELEM,
                    NftConstants.DELOBJ,
                    NftConstants.DESTROYTABLE,
                    NftConstants.DESTROYCHAIN,
                    NftConstants.DESTROYRULE,
                    NftConstants.DESTROYSET,
                    NftConstants.DESTROYSETELEM,
                    NftConstants.DESTROYOBJ -> true;
            default -> false;
        };
    }

    private static NftBody body(int msg, Attrs a) throws NetlinkDecodeException {
        switch (msg) {
            case NftConstants.NEWTABLE, NftConstants.DELTABLE, NftConstants.DESTROYTABLE:
                return Table.decode(a);
            case NftConstants.NEWCHAIN, NftConstants.DELCHAIN, NftConstants.DESTROYCHAIN:
                return Chain.decode(a);
            case NftConstants.NEWRULE, NftConstants.DELRULE, NftConstants.DESTROYRULE:
                if (!a.has(Rule.NFTA_RULE_CHAIN) || (msg != NftConstants.NEWRULE && !a.has(Rule.NFTA_RULE_HANDLE))) {
                    return new RuleFlush(
                            a.string(Rule.NFTA_RULE_TABLE, "NFTA_RULE_TABLE"), a.stringOpt(Rule.NFTA_RULE_CHAIN));
                }
                return Rule.decode(a);
            case NftConstants.NEWSET, NftConstants.DELSET, NftConstants.DESTROYSET:
                return NftSet.decode(a);
            case NftConstants.NEWSETELEM, NftConstants.DELSETELEM, NftConstants.DESTROYSETELEM:
                return SetElements.decode(a);
            case NftConstants.NEWOBJ, NftConstants.DELOBJ, NftConstants.DESTROYOBJ:
                if (CounterObject.objectType(a) != CounterObject.NFT_OBJECT_COUNTER) {
                    return new NftBody.Unmodelled(msg);
                }
                return CounterObject.decode(a);
            case NftConstants.NEWGEN:
                return Generation.decode(a);
            default:
                return new NftBody.Unmodelled(msg);
        }
    }
}
