package dev.natagent.agent.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.ha.PairStatus.Conntrackd;
import dev.natagent.agent.model.HaPair;
import dev.natagent.agent.model.Ipv4;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The role and conntrackd as a node of a pair reads them: interface addresses and /proc/net/unix. */
class PairObserverTest {
    private static final Ipv4 PUBLIC = Ipv4.parse("203.0.113.10");
    private static final Ipv4 PRIVATE = Ipv4.parse("10.0.1.10");
    private static final HaPair PAIR = new HaPair(List.of(PUBLIC, PRIVATE), null);
    /** A kernel's /proc/net/unix: conntrackd listening on its socket (Flags 00010000), a connected client. */
    private static final String UNIX = "Num       RefCount Protocol Flags    Type St Inode Path\n"
            + "0000000000000000: 00000002 00000000 00010000 0001 01 5246213 /run/conntrackd-nat-pair.ctl\n"
            + "0000000000000000: 00000003 00000000 00000000 0001 03 5246999 /run/other.sock\n"
            + "0000000000000000: 00000003 00000000 00000000 0001 03 5247000\n";

    @TempDir
    Path proc;

    private PairStatus observe(String unix, Set<Ipv4> local) throws IOException {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/unix"), unix);
        return new PairObserver(proc, () -> local).observe(PAIR);
    }

    @Test
    void theRoleFollowsTheFloatingAddressesOnTheInterfaces() throws IOException {
        assertEquals(
                "active",
                observe(UNIX, Set.of(PUBLIC, PRIVATE, Ipv4.parse("10.0.1.11"))).role());
        assertEquals("standby", observe(UNIX, Set.of(Ipv4.parse("10.0.1.12"))).role());
        PairStatus split = observe(UNIX, Set.of(PRIVATE));
        assertEquals("split", split.role());
        assertEquals(List.of(PRIVATE), split.held());
        assertEquals(List.of(PUBLIC), split.notHeld());
        PairStatus unknown = new PairObserver(proc, () -> {
                    throw new IOException("cannot list the interfaces' addresses: no");
                })
                .observe(PAIR);
        assertEquals("unknown", unknown.role());
        assertTrue(unknown.detail().contains("no"), unknown.detail());
    }

    @Test
    void conntrackdRunsWhenItsSocketListensUnderEitherNameOfRun() throws IOException {
        // The example config says /var/run/...; the kernel lists the path conntrackd bound.
        assertEquals(Conntrackd.RUNNING, observe(UNIX, Set.of()).conntrackd());
        assertEquals(
                Conntrackd.RUNNING,
                new PairObserver(proc, Set::of)
                        .observe(new HaPair(List.of(PUBLIC), "/run/conntrackd-nat-pair.ctl"))
                        .conntrackd());
        assertEquals(
                Conntrackd.NOT_RUNNING,
                observe(UNIX.replace(" 00010000 ", " 00000000 "), Set.of()).conntrackd(),
                "a socket file without a listener (conntrackd was killed) is not running");
        assertEquals(
                Conntrackd.NOT_RUNNING,
                observe(UNIX.replace("conntrackd-nat-pair", "x"), Set.of()).conntrackd());
        Files.delete(proc.resolve("net/unix"));
        PairStatus unreadable = new PairObserver(proc, Set::of).observe(PAIR);
        assertEquals(Conntrackd.UNKNOWN, unreadable.conntrackd());
        assertTrue(unreadable.detail().startsWith("cannot read "), unreadable.detail());
    }

    @Test
    void socketLinesWithoutAPathOrMalformedAreSkipped() {
        assertFalse(PairObserver.listens(List.of("garbage", "", "x y z w v u t"), "/run/a"));
        assertTrue(PairObserver.listens(
                List.of("0000000000000000: 00000002 00000000 00010000 0001 01 1 /var/run/a"), "/run/a"));
    }
}
