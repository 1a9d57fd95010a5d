package dev.natagent.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.e2e.HaFailoverBench.Tally;
import dev.natagent.agent.e2e.PairDrill.Trigger;
import dev.natagent.bench.Printed;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The failover harness's tables from known tallies. A real cycle takes keepalived, conntrackd and
 * up to half a minute; the lab it drives is checked by HaPairEndToEndTest.
 */
class HaFailoverBenchSmokeTest {
    @Test
    void printsOneRowPerSetUpAndTheShippedOneByTrigger() throws Exception {
        Tally shipped = new Tally("as shipped");
        shipped.failoverGaps.put(Trigger.LINK_DOWN, List.of(300L, 100L));
        shipped.failbackGaps.put(Trigger.LINK_DOWN, List.of(200L));
        shipped.moves = 4;
        shipped.resets = 1;
        shipped.serverFirstTried = 2;
        shipped.serverFirstKept = 2;
        shipped.newConnectionFailures = 1;

        String printed = Printed.by(() -> HaFailoverBench.print(List.of(shipped, new Tally("control")), 2, 1));

        assertTrue(printed.contains("| as shipped | 4 | 1 | 300 / 200 / 300 ms (n=3) | 2 of 2 | 3 of 4 |"), printed);
        assertTrue(printed.contains("| control | 0 | 0 | – | 0 of 0 | 0 of 0 |"), printed);
        assertTrue(
                printed.contains(
                        "| public link down / public link up | 300 / 300 / 300 ms (n=2) | 200 / 200 / 200 ms (n=1) |"),
                printed);
        assertTrue(printed.contains("| agent killed / agent started | – | – |"), printed);
    }
}
