package dev.natagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.service.Doctor.ForeignRule;
import dev.natagent.testing.ExecResult;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The legacy iptables nat table, written by the real iptables-legacy in a namespace of its own, is
 * read through getsockopt with nothing but CAP_NET_ADMIN (the unit's only capability): DNATs on
 * our ports directly, through a user chain and through multiport are found with their ports.
 */
@Tag("kernel")
class LegacyForeignDnatKernelTest {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @Test
    void dnatRulesReachableFromPreroutingAreFoundWithTheirPorts() throws Exception {
        KernelTests.requireKernel();
        try (Netns netns = Netns.create()) {
            ipt(netns, "-A PREROUTING -p tcp --dport 6379 -j DNAT --to-destination 10.9.9.9:6379");
            ipt(netns, "-N MYDN");
            ipt(netns, "-A PREROUTING -p udp --dport 9000:9010 -j MYDN");
            ipt(netns, "-A MYDN -p udp --dport 9005:9020 -j DNAT --to-destination 10.9.9.9");
            ipt(netns, "-A PREROUTING -p tcp -m multiport --dports 8000,8002:8004 -j REDIRECT --to-ports 1");
            ipt(netns, "-A OUTPUT -p tcp --dport 7000 -j DNAT --to-destination 10.9.9.9");
            ipt(netns, "-N UNUSED");
            ipt(netns, "-A UNUSED -j DNAT --to-destination 10.9.9.9");

            List<ForeignRule> rules = netns.call(() -> new LegacyForeignDnat().rules());

            assertEquals(3, rules.size(), rules.toString());
            assertEquals(
                    new ForeignRule(
                            "legacy iptables table nat chain PREROUTING rule 1 (-j DNAT)",
                            Optional.of(Protocol.TCP),
                            rules.get(0).ports(),
                            -100),
                    rules.get(0));
            assertEquals("6379", rules.get(0).ports().toString());
            assertEquals(
                    "legacy iptables table nat chain PREROUTING rule 2 (-j MYDN) -> legacy iptables table nat chain"
                            + " MYDN rule 1 (-j DNAT)",
                    rules.get(1).where());
            assertEquals("9005-9010", rules.get(1).ports().toString());
            assertEquals(Optional.of(Protocol.UDP), rules.get(1).protocol());
            assertEquals("8000, 8002-8004", rules.get(2).ports().toString());
            assertTrue(
                    rules.get(2).where().endsWith("rule 3 (-j REDIRECT)"),
                    rules.get(2).where());
        }
    }

    @Test
    void capNetAdminAloneReadsItAndWithoutItTheReasonIsGiven() throws Exception {
        KernelTests.requireKernel();
        try (Netns netns = Netns.create()) {
            ipt(netns, "-A PREROUTING -p tcp --dport 6379 -j DNAT --to-destination 10.9.9.9:6379");

            String adminOnly = probe(netns, "-all,+net_admin");
            String none = probe(netns, "-all");

            assertEquals("legacy iptables table nat chain PREROUTING rule 1 (-j DNAT) | tcp | 6379\n", adminOnly);
            assertTrue(none.startsWith("unreadable: getsockopt(IPT_SO_GET_INFO): EPERM"), none);
        }
    }

    /** Runs {@link LegacyDnatProbe} in the namespace with only the capabilities {@code caps} (setpriv syntax). */
    private static String probe(Netns netns, String caps) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "ip", "netns", "exec", netns.name(), "setpriv", "--bounding-set=" + caps, "--inh-caps=" + caps));
        command.addAll(List.of(JAVA, "-cp", System.getProperty("java.class.path"), LegacyDnatProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        return out;
    }

    private static void ipt(Netns netns, String rule) throws Exception {
        List<String> command = new ArrayList<>(List.of("iptables-legacy", "-t", "nat"));
        command.addAll(List.of(rule.split(" ")));
        ExecResult result = netns.exec(command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.toString());
    }
}
