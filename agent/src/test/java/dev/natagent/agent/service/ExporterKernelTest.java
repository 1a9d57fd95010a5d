package dev.natagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.api.ExportFormat;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.reconcile.ClientNftPort;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.nft.client.NftClient;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export op's kernel forms are real input for the real tools: the nft script loads with {@code
 * nft -f} into exactly the table the agent itself programs, and the iptables text passes {@code
 * iptables-restore --test}. Each in a namespace of its own.
 */
@Tag(KernelTests.TAG)
class ExporterKernelTest {
    @TempDir
    Path dir;

    /** The AWS example plus a forward without SNAT and a DNS-name target. */
    private static Desired desired() {
        NatState state = NatServiceTest.aws()
                .withForward(new Forward(
                        "direct",
                        Protocol.UDP,
                        dev.natagent.agent.model.PortRange.parse("5353"),
                        java.util.List.of(Target.parse("10.0.1.53:53")),
                        java.util.List.of(),
                        ReturnPath.NONE))
                .withForward(Forward.single("named", Protocol.TCP, 8080, Target.parse("web.cache.test:80")));
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
            netns.execOk("sh", "-c", "iptables-restore < \"$0\"", file.toString());
            String mangle = netns.execOk("iptables", "-t", "mangle", "-S");
            assertTrue(
                    mangle.contains("-A NAT_AGENT_ALLOW -s 198.51.100.27/32 -p tcp -m conntrack --ctdir ORIGINAL"
                            + " -m addrtype --dst-type LOCAL -m tcp --dport 6379 -j RETURN"),
                    mangle);
            String nat = netns.execOk("iptables", "-t", "nat", "-S");
            assertTrue(
                    nat.contains("-A NAT_AGENT_DNAT -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 6380"
                            + " -j DNAT --to-destination 10.0.1.231:6379"),
                    nat);
            assertTrue(
                    nat.contains(
                            "-A NAT_AGENT_SNAT -p tcp -m conntrack --ctstate DNAT --ctorigdstport 6380 -j MASQUERADE"),
                    nat);
            assertTrue(
                    nat.contains("-A NAT_AGENT_SNAT -p udp -m conntrack --ctstate DNAT --ctorigdstport 5353 -j RETURN"),
                    nat);
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
