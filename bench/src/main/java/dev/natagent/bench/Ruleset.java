package dev.natagent.bench;

import static dev.natagent.nft.expr.Registers.NFT_REG32_01;
import static dev.natagent.nft.expr.Registers.NFT_REG_1;

import dev.natagent.nft.Batch;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Meta;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nft.expr.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The forwarding ruleset the benchmark applies, written for each tool: table {@code ip nat_agent},
 * map {@code forwards} of type {@code inet_proto . inet_service : ipv4_addr . inet_service}, and one
 * rule {@code dnat ip to meta l4proto . th dport map @forwards} in a dstnat prerouting chain (the
 * architecture's layout); for iptables, the equivalent one DNAT rule per forward.
 */
final class Ruleset {
    static final String TABLE = "nat_agent";
    static final String MAP = "forwards";
    static final String CHAIN = "prerouting";
    private static final int MAP_ID = 1;
    /** nft's datatype id of inet_proto (the others are in {@link NftSet}). */
    private static final int TYPE_INET_PROTO = 12;

    private Ruleset() {}

    /** Table, chain, map, N elements and the DNAT rule as one transaction (nft's order). */
    static Batch batch(List<Forward> forwards) {
        List<SetElement> elements = new ArrayList<>(forwards.size());
        for (Forward forward : forwards) {
            elements.add(forward.element());
        }
        return Batch.ipv4()
                .add(Table.of(TABLE))
                .add(Chain.base(TABLE, CHAIN, "nat", Chain.Hook.PREROUTING, Chain.PRIORITY_DSTNAT))
                .add(map())
                .add(SetElements.of(TABLE, MAP, elements))
                .add(dnatRule());
    }

    static Batch add(Forward forward) {
        return Batch.ipv4().add(SetElements.of(TABLE, MAP, List.of(forward.element())));
    }

    static Batch delete(Forward forward) {
        return Batch.ipv4().delete(SetElements.of(TABLE, MAP, List.of(forward.keyElement())));
    }

    /** The same ruleset as {@code nft -f} input. */
    static String nftText(List<Forward> forwards) {
        StringBuilder text = new StringBuilder(64 + forwards.size() * 40);
        text.append("table ip ").append(TABLE).append(" {\n");
        text.append("\tmap ").append(MAP).append(" {\n");
        text.append("\t\ttype inet_proto . inet_service : ipv4_addr . inet_service\n");
        if (!forwards.isEmpty()) {
            text.append("\t\telements = { ");
            for (int i = 0; i < forwards.size(); i++) {
                text.append(i == 0 ? "" : ",\n\t\t\t").append(forwards.get(i).nftElement());
            }
            text.append(" }\n");
        }
        text.append("\t}\n");
        text.append("\tchain ").append(CHAIN).append(" {\n");
        text.append("\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
        text.append("\t\tdnat ip to meta l4proto . th dport map @").append(MAP).append('\n');
        text.append("\t}\n}\n");
        return text.toString();
    }

    /** One DNAT rule per forward in the nat table's PREROUTING chain, as {@code iptables-restore} input. */
    static String iptablesText(List<Forward> forwards) {
        StringBuilder text = new StringBuilder(128 + forwards.size() * 100);
        text.append("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        text.append(":POSTROUTING ACCEPT [0:0]\n");
        for (Forward forward : forwards) {
            text.append(forward.iptablesRule()).append('\n');
        }
        text.append("COMMIT\n");
        return text.toString();
    }

    private static NftSet map() {
        return NftSet.map(
                        TABLE,
                        MAP,
                        NftSet.concatType(TYPE_INET_PROTO, NftSet.TYPE_INET_SERVICE),
                        8,
                        NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE),
                        8,
                        MAP_ID)
                .withConcatFields(List.of(1, 2));
    }

    /** meta l4proto -> reg 1, th dport -> reg 9, lookup reg 1 -> reg 1 (address) and reg 9 (port), dnat. */
    private static Rule dnatRule() {
        return Rule.of(
                TABLE,
                CHAIN,
                List.of(
                        new Meta(Meta.NFT_META_L4PROTO, NFT_REG_1),
                        Payload.thDport(NFT_REG32_01),
                        new Lookup(NFT_REG_1, OptionalInt.of(NFT_REG_1), MAP, OptionalInt.of(MAP_ID), false),
                        Nat.ipv4Dnat(NFT_REG_1, NFT_REG32_01)),
                Optional.empty());
    }
}
