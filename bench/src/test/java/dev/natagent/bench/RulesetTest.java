package dev.natagent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.nft.Bytes;
import dev.natagent.nft.NftData;
import dev.natagent.nft.SetElement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The same forwards written for each tool (that NftClient and nft -f agree is checked on the kernel). */
class RulesetTest {
    @Test
    void forwardsAreDistinctTcpPortsToDistinctAddresses() {
        List<Forward> forwards = Forward.tcp(300);

        assertEquals("tcp . 10000 : 10.1.0.0 . 6379", forwards.get(0).nftElement());
        assertEquals("tcp . 10299 : 10.1.1.43 . 6379", forwards.get(299).nftElement());
        assertThrows(IllegalArgumentException.class, () -> Forward.tcp(55_537));
    }

    @Test
    void mapElementsHoldPaddedProtocolPortAndAddressPort() {
        Forward forward = Forward.tcp(2).get(1);

        assertEquals(Bytes.ofHex("0600000027110000"), forward.element().key());
        assertEquals(
                Optional.of(new NftData.Value(Bytes.ofHex("0a01000118eb0000"))),
                forward.element().data());
        assertEquals(SetElement.key(forward.element().key()), forward.keyElement());
    }

    @Test
    void iptablesTextHasOneDnatRulePerForward() {
        String text = Ruleset.iptablesText(Forward.tcp(2));

        assertTrue(text.startsWith("*nat\n"));
        assertTrue(text.contains("-A PREROUTING -p tcp -m tcp --dport 10001 -j DNAT --to-destination 10.1.0.1:6379\n"));
        assertTrue(text.endsWith("COMMIT\n"));
    }

    @Test
    void nftTextListsEveryElementOnce() {
        String text = Ruleset.nftText(Forward.tcp(3));

        assertTrue(text.contains("elements = { tcp . 10000 : 10.1.0.0 . 6379,\n\t\t\ttcp . 10001"), text);
        assertTrue(text.contains("dnat ip to meta l4proto . th dport map @forwards"), text);
    }

    @Test
    void listingsAreComparedWithTheirElementsSorted() {
        String a = "map m {\n\telements = { udp . 1 : 10.0.0.1 . 2,\n\t\t     tcp . 1 : 10.0.0.1 . 2 }\n}\n";
        String b = "map m {\n\telements = { tcp . 1 : 10.0.0.1 . 2,\n\t\t     udp . 1 : 10.0.0.1 . 2 }\n}\n";

        assertEquals(ColdApply.normalised(a), ColdApply.normalised(b));
        assertNotEquals(ColdApply.normalised(a), ColdApply.normalised(b.replace("udp", "tcp")));
    }
}
