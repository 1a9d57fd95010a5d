package dev.natagent.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.KernelTable;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why the agent does nothing when its node of a pair gains or loses the active role: the DNAT rule
 * matches {@code fib daddr type local}, so traffic for a floating address is forwarded only while
 * the node holds it. keepalived adding and deleting the address is all a role change takes; the
 * table stays exactly as it was.
 */
@Tag(KernelTests.TAG)
class FloatingAddressEndToEndTest {
    private static final String FLOATING = "203.0.113.10";
    private static final String NODE = "10.0.1.230";

    @TempDir
    Path dir;

    @RegisterExtension
    final LabPerTest lab = new LabPerTest(() -> dir);

    @Test
    void trafficForAFloatingAddressIsForwardedOnlyWhileTheNodeHoldsIt() throws Exception {
        Netns client = lab.get().client("198.51.100.27");
        lab.get().redis(lab.get().node(NODE), NODE);
        AgentDaemon agent = lab.get().agent("{}").start();
        agent.call(
                "forward.add", "{\"forward\":{\"name\":\"redis\",\"listen\":\"6379\",\"to\":[\"" + NODE + ":6379\"]}}");
        String table = KernelTable.withHandles(lab.get().nat);

        // The client routes the floating address to this node, which does not hold it (standby).
        assertFalse(CacheClient.connects(client, FLOATING, 6379, 1_000), "a standby forwards nothing");
        assertEquals("0", packets(agent), "and counts nothing for the forward");

        lab.get().nat.execOk("ip", "addr", "add", FLOATING + "/24", "dev", "pub");
        assertEquals("PONG", CacheClient.redis(client, FLOATING, 6379, "PING"), "active: forwarded at once");

        lab.get().nat.execOk("ip", "addr", "del", FLOATING + "/24", "dev", "pub");
        assertFalse(CacheClient.connects(client, FLOATING, 6379, 1_000), "standby again");
        assertEquals(table, KernelTable.withHandles(lab.get().nat), "the table never changed");
    }

    private static String packets(AgentDaemon agent) throws Exception {
        return agent.call("forward.get", "{\"name\":\"redis\"}")
                .at("/result/packets")
                .asText();
    }
}
