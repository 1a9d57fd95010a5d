package dev.natagent.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.e2e.PairDrill.Move;
import dev.natagent.agent.e2e.PairDrill.Trigger;
import dev.natagent.testing.KernelTests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NAT pair on keepalived and conntrackd, run from the shipped example files ({@link PairLab}):
 * open connections through the floating address outlive failover and failback, whatever takes
 * the active node out; the controls show what conntrackd and nf_conntrack_tcp_be_liberal are for.
 * The gaps are printed, not asserted (the machine is shared); bench/ha-bench.sh records them.
 */
@Tag(KernelTests.TAG)
class HaPairEndToEndTest {
    private static final long RUN_MILLIS = 300_000;
    private static final long VALUE_TIMEOUT_MILLIS = 5_000;

    @TempDir
    Path dir;

    @Test
    void oneConnectionKeepsItsClientIdAcrossEveryFailoverAndFailback() throws Exception {
        KernelTests.requireKernel();
        try (PairLab lab = PairLab.start(dir, PairLab.Options.SHIPPED)) {
            try (RedisPinger pinger = RedisPinger.start(lab.client, PairLab.FLOATING_PUBLIC, PairLab.PORT, RUN_MILLIS);
                    BlockedPop blocked = BlockedPop.start(lab, "queue")) {
                PairDrill.assertTablesMatchState(lab);
                assertEquals(
                        0, lab.natA.haCheck().exitCode(), lab.natA.haCheck().toString());
                assertEquals(0, lab.natB.haCheck().exitCode(), "the standby passes too: it is ready to take over");
                assertEquals("active, conntrackd running", lab.natA.role());
                assertEquals("standby, conntrackd running", lab.natB.role());
                List<Move> moves = new ArrayList<>();
                for (Trigger trigger : Trigger.values()) {
                    Move failover = PairDrill.failover(lab, pinger, trigger);
                    moves.add(failover);
                    if (trigger == Trigger.AGENT_KILL) {
                        assertEquals(1, lab.natA.haCheck().exitCode(), "ha-check fails without the agent");
                    }
                    if (trigger == Trigger.LINK_DOWN) {
                        assertEquals("active, conntrackd running", lab.natB.role(), "the agents see the move");
                        assertEquals("standby, conntrackd running", lab.natA.role());
                        // The server speaks first on the new node: only a synced entry maps it back.
                        blocked.push("after-failover");
                        assertEquals(Optional.of("queue after-failover"), blocked.awaitValue(VALUE_TIMEOUT_MILLIS));
                        assertTrue(blocked.sameConnection(), "the blocked connection is the same client");
                    }
                    moves.add(PairDrill.failback(lab, pinger, trigger));
                }
                report("with conntrackd, as shipped", moves, pinger);
                assertEquals(Optional.empty(), pinger.failure(), "one connection throughout");
                for (Move move : moves) {
                    assertTrue(move.newConnection().matches("\\d+"), move.toString());
                    assertNotEquals(pinger.clientId(), move.newConnection());
                }
            } catch (Exception | AssertionError e) {
                System.err.println(lab.diagnostics());
                throw e;
            }
        }
    }

    /**
     * The control: without conntrackd the new node has no entry for a connection whose next packet
     * comes from the server, takes it for its own, and resets it. A connection whose client speaks
     * first is picked up mid-stream (nf_conntrack_tcp_loose) with the same NAT binding, because
     * the SNAT address moved with it: the report shows how it fared.
     */
    @Test
    void withoutConntrackdAConnectionWhoseServerSpeaksFirstIsReset() throws Exception {
        KernelTests.requireKernel();
        try (PairLab lab = PairLab.start(dir, new PairLab.Options(false, null))) {
            try (RedisPinger pinger = RedisPinger.start(lab.client, PairLab.FLOATING_PUBLIC, PairLab.PORT, RUN_MILLIS);
                    BlockedPop blocked = BlockedPop.start(lab, "queue")) {
                List<Move> moves = new ArrayList<>();
                moves.add(PairDrill.failover(lab, pinger, Trigger.LINK_DOWN));
                blocked.push("after-failover");
                assertEquals(Optional.empty(), blocked.awaitValue(VALUE_TIMEOUT_MILLIS), "the value never arrives");
                assertFalse(blocked.sameConnection(), "the blocked connection is reset");
                report("without conntrackd (control)", moves, pinger);
                assertEquals("active, conntrackd not_running", lab.natB.role());
                JsonNode doctor = lab.natB.agent.call("doctor", "{}").at("/result/findings");
                assertTrue(
                        doctor.findValues("check").stream()
                                .anyMatch(c -> c.asText().equals("ha_conntrackd")),
                        doctor.toString());
            } catch (Exception | AssertionError e) {
                System.err.println(lab.diagnostics());
                throw e;
            }
        }
    }

    private static void report(String run, List<Move> moves, RedisPinger pinger) {
        StringBuilder out = new StringBuilder("HA pair, " + run + ":\n");
        for (Move move : moves) {
            out.append(String.format(
                    "  %-45s longest gap %5d ms, new connection: %s%n",
                    move.what(), move.gapMillis(), move.newConnection()));
        }
        out.append("  the connection: ").append(pinger.failure().orElse("alive, same CLIENT ID " + pinger.clientId()));
        System.out.println(out);
    }
}
