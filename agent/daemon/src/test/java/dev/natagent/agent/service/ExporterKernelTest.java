package dev.natagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.protocol.ExportFormat;
import dev.natagent.agent.reconcile.ClientNftPort;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.nft.client.NftClient;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The export op's kernel forms are real input for the real tools: the nft script loads with {@code
 * nft -f} into exactly the table the agent itself programs, and the iptables text passes {@code
 * iptables-restore --test}; both load twice to the same rules. Each in namespaces of its own.
 */
@Tag(KernelTests.TAG)
class ExporterKernelTest {
    @TempDir
    Path dir;

    /**
     * The AWS example plus a forward without SNAT, a DNS-name target, a name that has not resolved
     * and an outbound through every interface whose name starts with "ens".
     */
    private static Desired desired() {
        NatState state = NatServiceTest.aws()
                .withForward(new Forward(
                        "direct",
                        Protocol.UDP,
                        dev.natagent.agent.model.PortRange.parse("5353"),
                        java.util.List.of(Target.parse("10.0.1.53:53")),
                        java.util.List.of(),
                        ReturnPath.NONE))
                .withForward(Forward.single("named", Protocol.TCP, 8080, Target.parse("web.cache.test:80")))
                .withForward(Forward.single("pending", Protocol.TCP, 8081, Target.parse("gone.cache.test:80")))
                .withOutbound(new Outbound("any-ens", List.of(Cidr.parse("10.1.0.0/16")), "ens*"));
        return new Desired(state, Map.of("web.cache.test", Ipv4.parse("10.0.1.80")));
    }

    @Test
    void theNftScriptLoadsIntoTheTableTheAgentPrograms() throws Exception {
        Desired desired = desired();
        Path script = Files.writeString(
                dir.resolve("export.nft"),
                Exporter.export(desired.state(), desired, ExportFormat.NFT).content());
        try (Netns loaded = Netns.create();
                Netns programmed = Netns.create()) {
            loaded.execOk("nft", "-c", "-f", script.toString());
            loaded.execOk("nft", "-f", script.toString());
            loaded.execOk("nft", "-f", script.toString()); // the script replaces the table: loadable twice
            try (NftClient client = programmed.call(NftClient::openIpv4)) {
                new Reconciler(new ClientNftPort(client)).reconcileFull(desired);
            }
            String expected = programmed.execOk("nft", "list", "table", "ip", "nat_agent");
            String actual = loaded.execOk("nft", "list", "table", "ip", "nat_agent");
            assertEquals(expected, actual, "exported script:\n" + Files.readString(script));
        }
    }

    @Test
    void theIptablesTextPassesIptablesRestoreTest() throws Exception {
        Desired desired = desired();
        String text =
                Exporter.export(desired.state(), desired, ExportFormat.IPTABLES).content();
        Path file = Files.writeString(dir.resolve("export.iptables"), text);
        assertTrue(text.contains("-j DNAT --to-destination 10.0.1.80:80"), text);
        assertTrue(text.contains("-j SNAT --to-source 10.0.1.1"), text);
        try (Netns netns = Netns.create()) {
            var result = netns.exec("sh", "-c", "iptables-restore --test < \"$0\"", file.toString());
            assertEquals(0, result.exitCode(), result.stderr() + "\n" + text);
            netns.execOk("sh", "-c", "iptables-restore --noflush < \"$0\"", file.toString());
            String mangle = netns.execOk("iptables", "-t", "mangle", "-S");
            assertTrue(
                    mangle.contains("-A NAT_AGENT_ALLOW -s 198.51.100.27/32 -p tcp -m conntrack --ctdir ORIGINAL"
                            + " -m addrtype --dst-type LOCAL -m tcp --dport 6379"
                            + " -m comment --comment \"nat-agent:forward:redis\" -j RETURN"),
                    mangle);
            String nat = netns.execOk("iptables", "-t", "nat", "-S");
            assertTrue(
                    nat.contains(
                            "-A NAT_AGENT_DNAT -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 6380"
                                    + " -m comment --comment \"nat-agent:forward:redis\" -j DNAT --to-destination 10.0.1.231:6379"),
                    nat);
            assertTrue(
                    nat.contains("-A NAT_AGENT_SNAT -p tcp -m conntrack --ctstate DNAT --ctorigdstport 6380"
                            + " -m comment --comment \"nat-agent:forward:redis\" -j MASQUERADE"),
                    nat);
            assertTrue(
                    nat.contains("-A NAT_AGENT_SNAT -p udp -m conntrack --ctstate DNAT --ctorigdstport 5353"
                            + " -m comment --comment \"nat-agent:forward:direct\" -j RETURN"),
                    nat);
            // iptables' prefix wildcard is '+'; "ens*" would be the literal name ens\*.
            assertTrue(
                    nat.contains("-A NAT_AGENT_SNAT -s 10.1.0.0/16 -o ens+ -m comment --comment"
                            + " \"nat-agent:outbound:any-ens\" -j MASQUERADE"),
                    nat);
            assertFalse(nat.contains("--dport 8081"), "the unresolved forward has no rule:\n" + nat);
        }
    }

    /**
     * The iptables text loaded by the commands its header gives, twice, with each backend: every
     * command exits 0, the second run leaves exactly the rules of the first (no jump twice),
     * traffic passes, and the export made after a DNS name moved replaces the old address.
     */
    @ParameterizedTest
    @ValueSource(strings = {"iptables-nft", "iptables-legacy"})
    void theIptablesTextLoadsTwiceToTheSameRulesAndTrafficPasses(String iptables) throws Exception {
        Desired desired = desired();
        String text =
                Exporter.export(desired.state(), desired, ExportFormat.IPTABLES).content();
        Path first = Files.writeString(dir.resolve("first.iptables"), text);
        Desired moved = new Desired(desired.state(), Map.of("web.cache.test", Ipv4.parse("10.0.1.81")));
        Path second = Files.writeString(
                dir.resolve("second.iptables"),
                Exporter.export(moved.state(), moved, ExportFormat.IPTABLES).content());
        try (Netns client = Netns.create();
                Netns nat = Netns.create();
                Netns node = Netns.create()) {
            Netns.veth(client, "c0", "198.51.100.27/24", nat, "n0", "198.51.100.1/24");
            Netns.veth(nat, "n1", "10.0.1.1/24", node, "e0", "10.0.1.230/24");
            client.execOk("ip", "route", "add", "default", "via", "198.51.100.1");
            node.execOk("ip", "route", "add", "default", "via", "10.0.1.1");
            nat.execOk("sysctl", "-qw", "net.ipv4.ip_forward=1");

            nat.execOk("sh", "-ec", loadCommands(text, first, iptables));
            String loadedOnce = rules(nat, iptables);
            for (String jump : List.of(
                    "-A PREROUTING -j NAT_AGENT_ALLOW",
                    "-A PREROUTING -j NAT_AGENT_DNAT",
                    "-A POSTROUTING -j NAT_AGENT_SNAT")) {
                assertEquals(1, loadedOnce.lines().filter(jump::equals).count(), jump + " once:\n" + loadedOnce);
            }
            nat.execOk("sh", "-ec", loadCommands(text, first, iptables));
            assertEquals(loadedOnce, rules(nat, iptables), "the same rules after the second load");

            try (ServerSocket server =
                    node.call(() -> new ServerSocket(6379, 5, InetAddress.getByName("10.0.1.230")))) {
                Thread answering = new Thread(() -> answerWithThePeer(server), "export-target");
                answering.setDaemon(true);
                answering.start();
                String saw = client.call(() -> {
                    try (Socket socket = new Socket()) {
                        socket.bind(new InetSocketAddress("198.51.100.27", 0));
                        socket.connect(new InetSocketAddress("198.51.100.1", 6379), 5_000);
                        socket.setSoTimeout(5_000);
                        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    }
                });
                assertEquals("saw 10.0.1.1", saw, "DNATed to the node, masqueraded");
            }

            nat.execOk("sh", "-ec", loadCommands(text, second, iptables));
            String updated = rules(nat, iptables);
            assertEquals(loadedOnce.replace("10.0.1.80:80", "10.0.1.81:80"), updated);
            assertTrue(updated.contains("--to-destination 10.0.1.81:80"), updated);
        }
    }

    /**
     * The header's load commands for {@code file}, with {@code iptables} (a backend, e.g.
     * iptables-nft) for the "iptables" the header says.
     */
    private static String loadCommands(String text, Path file, String iptables) {
        List<String> lines = text.lines().toList();
        int start = lines.indexOf("# Load with (as root; running them all again changes nothing):") + 1;
        assertTrue(start > 0, text);
        StringBuilder commands = new StringBuilder();
        for (int i = start; lines.get(i).startsWith("#   "); i++) {
            commands.append(lines.get(i)
                            .substring("#   ".length())
                            .replace("FILE", file.toString())
                            .replaceAll("\\biptables(-restore)? ", iptables + "$1 "))
                    .append('\n');
        }
        assertEquals(4, commands.toString().lines().count(), commands.toString());
        return commands.toString();
    }

    /** Answers each connection with the address it came from, then closes it. */
    private static void answerWithThePeer(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket accepted = server.accept()) {
                accepted.getOutputStream()
                        .write(("saw " + accepted.getInetAddress().getHostAddress())
                                .getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String rules(Netns netns, String iptables) throws Exception {
        return netns.execOk(iptables, "-t", "mangle", "-S") + netns.execOk(iptables, "-t", "nat", "-S");
    }

    /** The kernel forms say what they are for, what they froze, what they leave out, and name each forward. */
    @Test
    void theKernelFormsExplainThemselves() {
        Desired desired = desired();
        for (ExportFormat format : List.of(ExportFormat.NFT, ExportFormat.IPTABLES)) {
            String text = Exporter.export(desired.state(), desired, format).content();
            String header = text.substring(0, text.indexOf("\n\n"));
            assertTrue(header.lines().allMatch(line -> line.startsWith("#")), header);
            assertTrue(header.contains("no nat-agent runs"), header);
            assertTrue(header.contains("#   web.cache.test -> 10.0.1.80\n"), header);
            assertTrue(
                    header.contains("#   forward pending, tcp port 8081 -> gone.cache.test:80: gone.cache.test has no"
                            + " usable address (the name has not resolved to one)\n"),
                    header);
            for (String forward : desired.state().forwards().keySet()) {
                assertTrue(header.contains("#   " + forward + ": "), forward + " in\n" + header);
                if (!forward.equals("pending")) {
                    assertTrue(text.contains("# forward " + forward + "\n"), forward + " in\n" + text);
                }
            }
        }
    }

    @Test
    void theJsonExportIsTheStateApplyTakes() {
        Desired desired = desired();
        String json =
                Exporter.export(desired.state(), desired, ExportFormat.JSON).content();
        assertEquals(desired.state(), ModelJson.read(json, NatState.class));
    }
}
