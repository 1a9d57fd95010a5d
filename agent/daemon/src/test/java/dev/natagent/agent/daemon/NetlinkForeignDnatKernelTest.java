package dev.natagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.service.Doctor.ForeignRule;
import dev.natagent.agent.service.PortSet;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each way another owner can DNAT a port, written by the real iptables-nft and nft into a namespace
 * of its own, is found with the ports and protocol it really matches.
 */
@Tag("kernel")
class NetlinkForeignDnatKernelTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            iptables-nft, as the AWS guide's users write it | iptables-nft -t nat -A PREROUTING -p tcp --dport 6379 -j DNAT --to-destination 10.9.9.9:6379 | 6379 | TCP
            iptables-nft port range | iptables-nft -t nat -A PREROUTING -p udp --dport 7000:7010 -j DNAT --to-destination 10.9.9.9 | 7000-7010 | UDP
            iptables-nft multiport (xt match) | iptables-nft -t nat -A PREROUTING -p tcp -m multiport --dports 8000,8002:8004 -j DNAT --to-destination 10.9.9.9 | 8000, 8002-8004 | TCP
            iptables-nft REDIRECT | iptables-nft -t nat -A PREROUTING -p tcp --dport 6390 -j REDIRECT --to-ports 1234 | 6390 | TCP
            inet table (firewalld's family) | nft add table inet fw ; add chain inet fw pre { type nat hook prerouting priority dstnat ; } ; add rule inet fw pre tcp dport 6381 dnat ip to 10.9.9.9 | 6381 | TCP
            native port range | nft add table ip n ; add chain ip n pre { type nat hook prerouting priority dstnat ; } ; add rule ip n pre tcp dport 6400-6410 dnat to 10.9.9.9 | 6400-6410 | TCP
            anonymous interval set | nft add table ip n ; add chain ip n pre { type nat hook prerouting priority dstnat ; } ; add rule ip n pre tcp dport { 6420, 6422-6425 } dnat to 10.9.9.9 | 6420, 6422-6425 | TCP
            map of ports to addresses | nft add table inet n ; add chain inet n pre { type nat hook prerouting priority dstnat ; } ; add rule inet n pre dnat ip to tcp dport map { 6430 : 10.9.9.9, 6431-6433 : 10.9.9.8 } | 6430-6433 | TCP
            named map | nft add table ip n ; add map ip n m { type inet_service : ipv4_addr ; elements = { 6440 : 10.9.9.9 } ; } ; add chain ip n pre { type nat hook prerouting priority dstnat ; } ; add rule ip n pre dnat to tcp dport map @m | 6440 | TCP
            verdict map into a chain | nft add table ip n ; add chain ip n dn ; add rule ip n dn dnat to 10.9.9.9 ; add chain ip n pre { type nat hook prerouting priority dstnat ; } ; add rule ip n pre tcp dport vmap { 6450 : jump dn } | 6450 | TCP
            jump into a chain | nft add table ip n ; add chain ip n dn ; add rule ip n dn tcp dport 6460-6470 dnat to 10.9.9.9 ; add chain ip n pre { type nat hook prerouting priority dstnat ; } ; add rule ip n pre tcp dport 6465-6480 jump dn | 6465-6470 | TCP
            native redirect | nft add table ip n ; add chain ip n pre { type nat hook prerouting priority dstnat ; } ; add rule ip n pre tcp dport 6500 redirect to :1234 | 6500 | TCP
            l4proto through the IP header | nft add table ip n ; add chain ip n pre { type nat hook prerouting priority dstnat ; } ; add rule ip n pre ip protocol udp udp dport 6510 dnat to 10.9.9.9 | 6510 | UDP
            not-equal narrows | nft add table ip n ; add chain ip n pre { type nat hook prerouting priority dstnat ; } ; add rule ip n pre tcp dport != 6379 tcp dport 6379-6380 dnat to 10.9.9.9 | 6380 | TCP
            """)
    void findsTheRuleWithItsPorts(String kind, String command, String ports, Protocol protocol) throws Exception {
        KernelTests.requireKernel();
        try (Netns netns = Netns.create()) {
            add(netns, command);

            List<ForeignRule> rules = netns.call(() -> new NetlinkForeignDnat().rules());

            assertEquals(1, rules.size(), kind + ": " + rules);
            assertEquals(ports, rules.get(0).ports().toString(), kind + ": " + rules);
            assertEquals(Optional.of(protocol), rules.get(0).protocol(), kind + ": " + rules);
            assertEquals(-100, rules.get(0).priority(), kind + ": " + rules);
        }
    }

    @Test
    void rulesThatTakeNoPreroutedTrafficAndOurOwnTableAreNotReported() throws Exception {
        KernelTests.requireKernel();
        try (Netns netns = Netns.create()) {
            add(
                    netns,
                    "nft add table ip nat_agent ; add chain ip nat_agent pre { type nat hook prerouting priority"
                            + " dstnat ; } ; add rule ip nat_agent pre tcp dport 6379 dnat to 10.9.9.9");
            add(
                    netns,
                    "nft add table ip n ; add chain ip n out { type nat hook output priority -100 ; } ; add rule"
                            + " ip n out tcp dport 6379 dnat to 10.9.9.9 ; add chain ip n unused ; add rule ip n unused dnat"
                            + " to 10.9.9.9");
            add(
                    netns,
                    "nft add table ip f ; add chain ip f pre { type filter hook prerouting priority 0 ; } ; add"
                            + " rule ip f pre tcp dport 6379 accept");

            List<ForeignRule> rules = netns.call(() -> new NetlinkForeignDnat().rules());

            assertEquals(List.of(), rules);
        }
    }

    @Test
    void portSetsIntersectAndComplement() {
        PortSet some = PortSet.of(List.of(new int[] {10, 20}, new int[] {15, 30}, new int[] {40, 40}));
        assertEquals("10-30, 40", some.toString());
        assertEquals("25-30, 40", some.intersect(PortSet.range(25, 50)).toString());
        assertEquals("0-9, 31-39, 41-65535", some.complement().toString());
        assertTrue(some.intersect(PortSet.range(31, 39)).isEmpty());
    }

    private static void add(Netns netns, String command) throws Exception {
        if (command.startsWith("nft ")) {
            netns.execOk("nft", command.substring(4));
        } else {
            netns.execOk(command.split(" "));
        }
    }
}
