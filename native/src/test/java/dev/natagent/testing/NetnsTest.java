package dev.natagent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The namespace helper itself: isolation, veth links, and that nothing is left behind. */
@Tag(KernelTests.TAG)
class NetnsTest {
    @BeforeEach
    void requireKernel() {
        KernelTests.requireKernel();
    }

    @Test
    void callRunsInsideTheNamespaceAndCloseDeletesIt() throws Exception {
        String name;
        String rootNetns =
                Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        try (Netns netns = Netns.create()) {
            name = netns.name();
            String inside = netns.call(() ->
                    Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            assertNotEquals(rootNetns, inside);
            assertTrue(netns.execOk("ip", "-o", "link", "show", "lo").contains("UP"));
        }
        assertFalse(namespaces().contains(name), name + " still listed");
    }

    @Test
    void execReportsExitCodeAndOutput() throws Exception {
        try (Netns netns = Netns.create()) {
            ExecResult failed = netns.exec("sh", "-c", "echo out; echo err >&2; exit 3");

            assertEquals(new ExecResult(failed.pid(), 3, "out\n", "err\n"), failed);
            assertThrows(AssertionError.class, () -> failed.requireSuccess("sh"));
        }
    }

    @Test
    void aVethPairConnectsTwoNamespacesAndNotTheRootOne() throws Exception {
        try (Netns client = Netns.create();
                Netns server = Netns.create()) {
            Netns.veth(client, "vc0", "10.0.1.2/24", server, "vs0", "10.0.1.1/24");

            // Sockets opened on a namespace's thread live there: the address exists only in `server`.
            try (ServerSocket listener =
                    server.call(() -> new ServerSocket(6379, 1, InetAddress.getByName("10.0.1.1")))) {
                try (Socket connection = client.call(() -> new Socket("10.0.1.1", 6379));
                        Socket accepted = listener.accept()) {
                    assertEquals("10.0.1.2", accepted.getInetAddress().getHostAddress());
                    assertTrue(connection.isConnected());
                }
            }
            assertFalse(
                    Processes.run(List.of("ip", "-o", "link")).stdout().contains("vc0"),
                    "the root namespace has no veth of ours");
        }
    }

    @Test
    void aTaskFailureIsRethrownAsIs() throws Exception {
        try (Netns netns = Netns.create()) {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> netns.call(() -> {
                        throw new IllegalStateException("boom");
                    }));
            assertEquals("boom", e.getMessage());
        }
    }

    @Test
    void leftoversOfAKilledRunAreDeletedButLiveOnesAreKept() throws Exception {
        String leftover = Netns.PREFIX + "999999999-1"; // above any pid_max: that run is gone
        Processes.run(List.of("ip", "netns", "add", leftover)).requireSuccess("ip netns add");
        try (Netns live = Netns.create()) {
            Netns.deleteLeftoversOfDeadRuns();

            assertFalse(namespaces().contains(leftover));
            assertTrue(namespaces().contains(live.name()));
        } finally {
            Processes.run(List.of("ip", "netns", "delete", leftover));
        }
    }

    private static List<String> namespaces() throws Exception {
        return List.of(Processes.run(List.of("ip", "netns", "list")).stdout().split("\\s+"));
    }
}
