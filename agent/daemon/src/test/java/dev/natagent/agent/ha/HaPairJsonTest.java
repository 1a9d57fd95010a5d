package dev.natagent.agent.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.HaPair;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** settings.ha in the state document: opt-in, defaults, round trip, refusals. */
class HaPairJsonTest {
    private static NatState read(String json) throws Exception {
        return ModelJson.read(json, NatState.class);
    }

    @Test
    void aSingleInstanceHasNoPairAndWritesNoKey() throws Exception {
        NatState single = read("{\"schema_version\":1,\"settings\":{\"manage_ip_forward\":true}}");
        assertTrue(single.settings().pair().isEmpty());
        assertTrue(!ModelJson.write(single).contains("\"ha\""));
    }

    @Test
    void aPairRoundTripsWithTheExampleSocketByDefault() throws Exception {
        NatState pair = read("{\"settings\":{\"ha\":{\"floating_addresses\":[\"203.0.113.10\",\"10.0.1.10\"]}}}");
        HaPair ha = pair.settings().pair().orElseThrow();
        assertEquals(List.of(Ipv4.parse("203.0.113.10"), Ipv4.parse("10.0.1.10")), ha.floatingAddresses());
        assertEquals(HaPair.DEFAULT_CONNTRACKD_SOCKET, ha.conntrackdSocket());
        assertEquals(pair.settings(), read(ModelJson.write(pair)).settings());
    }

    @Test
    void badPairsAreRefusedWithTheField() {
        for (String ha : List.of(
                "{\"floating_addresses\":[]}",
                "{\"floating_addresses\":[\"10.0.1.10\",\"10.0.1.10\"]}",
                "{\"floating_addresses\":[\"224.0.0.1\"]}",
                "{\"floating_addresses\":[\"10.0.1.10\"],\"conntrackd_socket\":\"relative.ctl\"}",
                "{\"floating_addresses\":[\"10.0.1.10\"],\"other\":1}")) {
            Exception refused = assertThrows(Exception.class, () -> read("{\"settings\":{\"ha\":" + ha + "}}"), ha);
            assertTrue(
                    String.valueOf(refused.getMessage()).contains("floating_addresses")
                            || String.valueOf(refused.getMessage()).contains("conntrackd_socket")
                            || String.valueOf(refused.getMessage()).contains("other"),
                    ha + ": " + refused.getMessage());
        }
    }
}
