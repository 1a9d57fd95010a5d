package dev.natagent.nft;

import static dev.natagent.nft.Bytes.concat;
import static dev.natagent.nft.Bytes.ipv4;
import static dev.natagent.nft.Bytes.u16Be;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nl.MessageWriter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Single messages written out by hand, one field per line (little-endian host headers). */
class MessageLayoutTest {
    // nft add table ip nat_agent
    private static final String ADD_TABLE_BATCH_HEX =
            // BATCH_BEGIN
            "14000000" // nlmsg_len = 20
                    + "1000" // nlmsg_type = NFNL_MSG_BATCH_BEGIN
                    + "0100" // nlmsg_flags = NLM_F_REQUEST
                    + "00000000" // nlmsg_seq = 0
                    + "00000000" // nlmsg_pid = 0
                    + "00" // nfgen_family = NFPROTO_UNSPEC
                    + "00" // version
                    + "000a" // res_id = NFNL_SUBSYS_NFTABLES (big-endian)
                    // NEWTABLE
                    + "2c000000" // nlmsg_len = 44
                    + "000a" // nlmsg_type = NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWTABLE
                    + "0100" // nlmsg_flags = NLM_F_REQUEST
                    + "01000000" // nlmsg_seq = 1
                    + "00000000" // nlmsg_pid
                    + "02" // nfgen_family = NFPROTO_IPV4
                    + "00" // version
                    + "0000" // res_id
                    + "0e00" // nla_len = 14
                    + "0100" // nla_type = NFTA_TABLE_NAME
                    + "6e61745f6167656e7400" // "nat_agent\0"
                    + "0000" // padding
                    + "0800" // nla_len = 8
                    + "0200" // nla_type = NFTA_TABLE_FLAGS
                    + "00000000" // flags = 0 (big-endian)
                    // BATCH_END
                    + "14000000" // nlmsg_len = 20
                    + "1100" // nlmsg_type = NFNL_MSG_BATCH_END
                    + "0100" // nlmsg_flags = NLM_F_REQUEST
                    + "02000000" // nlmsg_seq = 2
                    + "00000000" // nlmsg_pid
                    + "00" // nfgen_family
                    + "00" // version
                    + "000a"; // res_id = NFNL_SUBSYS_NFTABLES

    // nft add element ip nat_agent forwards '{ 6381 : 10.0.1.232 . 6379 }' (set found by name, no id)
    private static final String NEWSETELEM_HEX = "58000000" // nlmsg_len = 88
            + "0c0a" // nlmsg_type = NFT_MSG_NEWSETELEM
            + "0104" // nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE
            + "01000000" // nlmsg_seq = 1
            + "00000000" // nlmsg_pid
            + "02000000" // nfgenmsg: NFPROTO_IPV4, version 0, res_id 0
            + "0e000100" // NFTA_SET_ELEM_LIST_TABLE, len 14
            + "6e61745f6167656e74000000" // "nat_agent\0" + pad
            + "0d000200" // NFTA_SET_ELEM_LIST_SET, len 13
            + "666f72776172647300000000" // "forwards\0" + pad
            + "24000380" // NFTA_SET_ELEM_LIST_ELEMENTS | NLA_F_NESTED, len 36
            + "20000180" // NFTA_LIST_ELEM #1 | NESTED, len 32
            + "0c000180" // NFTA_SET_ELEM_KEY | NESTED, len 12
            + "06000100" // NFTA_DATA_VALUE, len 6
            + "18ed0000" // key 6381 (network order) + pad
            + "10000280" // NFTA_SET_ELEM_DATA | NESTED, len 16
            + "0c000100" // NFTA_DATA_VALUE, len 12
            + "0a0001e8" // 10.0.1.232
            + "18eb0000" // port 6379, padded to 4 (concatenation field)
            + "14000000" // BATCH_END ...
            + "1100010002000000000000000000000a";

    // A kernel dump entry: a rule with 'lookup' + 'nat', no NLA_F_NESTED, kernel attribute order
    private static final String DUMPED_RULE_HEX = "ac000000" // nlmsg_len = 172
            + "060a" // nlmsg_type = NFT_MSG_NEWRULE
            + "0200" // nlmsg_flags = NLM_F_MULTI
            + "00000000" // nlmsg_seq
            + "dd500000" // nlmsg_pid = port id of the dumping socket
            + "0200001e" // nfgenmsg: NFPROTO_IPV4, version 0, res_id = generation 30
            + "0e000100" // NFTA_RULE_TABLE, len 14
            + "6e61745f6167656e74000000" // "nat_agent\0" + pad
            + "0f000200" // NFTA_RULE_CHAIN, len 15
            + "707265726f7574696e670000" // "prerouting\0" + pad
            + "0c000300" // NFTA_RULE_HANDLE, len 12
            + "000000000000000a" // handle 10 (be64)
            + "60000400" // NFTA_RULE_EXPRESSIONS, len 96 (no NESTED flag)
            + "34000100" // NFTA_LIST_ELEM, len 52
            + "0b000100" // NFTA_EXPR_NAME, len 11
            + "6c6f6f6b75700000" // "lookup\0" + pad
            + "24000200" // NFTA_EXPR_DATA, len 36
            + "0d000100" // NFTA_LOOKUP_SET, len 13
            + "666f727761726473000000" + "00" // "forwards\0" + pad
            + "08000200" // NFTA_LOOKUP_SREG
            + "00000001" // NFT_REG_1
            + "08000300" // NFTA_LOOKUP_DREG
            + "00000001" // NFT_REG_1
            + "28000100" // NFTA_LIST_ELEM, len 40
            + "08000100" // NFTA_EXPR_NAME, len 8
            + "6e617400" // "nat\0"
            + "1c000200" // NFTA_EXPR_DATA, len 28
            + "08000100" // NFTA_NAT_TYPE
            + "00000001" // NFT_NAT_DNAT
            + "08000200" // NFTA_NAT_FAMILY
            + "00000002" // NFPROTO_IPV4
            + "08000300" // NFTA_NAT_REG_ADDR_MIN
            + "00000001" // NFT_REG_1
            + "0c000600" // NFTA_RULE_POSITION, len 12
            + "0000000000000009"; // after the rule with handle 9

    @Test
    void addTableBatch() {
        MessageWriter w = new MessageWriter();
        Batch.ipv4().add(Table.of("nat_agent")).encode(w, 0);
        Wire.assertBytes(HexFormat.of().parseHex(ADD_TABLE_BATCH_HEX), w.toByteArray(), "add table");
    }

    @Test
    void mapElement() {
        MessageWriter w = new MessageWriter();
        EncodedBatch batch = Batch.ipv4()
                .add(SetElements.of(
                        "nat_agent",
                        "forwards",
                        List.of(SetElement.mapping(u16Be(6381), concat(ipv4("10.0.1.232"), u16Be(6379))))))
                .encode(w, 0);
        byte[] all = w.toByteArray();
        byte[] element = Arrays.copyOfRange(all, 20, all.length);
        Wire.assertBytes(HexFormat.of().parseHex(NEWSETELEM_HEX), element, "element");
        assertEquals(2, batch.endSeq());
    }

    @Test
    void dumpedRuleWithoutNestedFlags() throws Exception {
        Rule rule = (Rule) NftMessage.decode(
                        Wire.messages(HexFormat.of().parseHex(DUMPED_RULE_HEX)).get(0))
                .body();
        assertEquals(10, rule.handle());
        assertEquals(9, rule.position());
        assertEquals(
                List.of(
                        Lookup.map(1, 1, "forwards"),
                        new Nat(
                                Nat.NFT_NAT_DNAT,
                                NftConstants.NFPROTO_IPV4,
                                OptionalInt.of(1),
                                OptionalInt.empty(),
                                OptionalInt.empty(),
                                OptionalInt.empty(),
                                0)),
                rule.exprs());
    }
}
