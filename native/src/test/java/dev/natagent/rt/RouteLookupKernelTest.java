package dev.natagent.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.net.InetAddress;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernel's route decisions against {@code ip route get}'s: a route only in a table that a
 * policy rule selects by source is found for a forwarded packet from that source, and prohibit,
 * missing routes and forwarding turned off are told apart by errno.
 */
@Tag(KernelTests.TAG)
class RouteLookupKernelTest {
    private static byte[] ip(String address) throws Exception {
        return InetAddress.getByName(address).getAddress();
    }

    @Test
    void answersAsIpRouteGetDoesAcrossPolicyRulesAndTables() throws Exception {
        KernelTests.requireKernel();
        try (Netns nat = Netns.create();
                Netns other = Netns.create()) {
            Netns.veth(nat, "n1", "10.0.1.1/24", other, "e0", "10.0.1.230/24");
            Netns.veth(nat, "c0", "198.51.100.1/24", other, "c1", "198.51.100.7/24");
            nat.execOk("sysctl", "-qw", "net.ipv4.ip_forward=1");
            nat.execOk("ip", "route", "add", "203.0.113.0/24", "dev", "c0", "table", "100");
            nat.execOk("ip", "rule", "add", "from", "10.0.1.0/24", "lookup", "100");
            nat.execOk("ip", "route", "add", "prohibit", "203.0.113.128/25", "table", "100");
            int n1 = Integer.parseInt(
                    nat.execOk("cat", "/sys/class/net/n1/ifindex").trim());
            int c0 = Integer.parseInt(
                    nat.execOk("cat", "/sys/class/net/c0/ifindex").trim());

            try (RouteLookup routes = nat.call(RouteLookup::open)) {
                RouteAnswer toTarget = routes.output(ip("10.0.1.230"));
                assertEquals(new RouteAnswer(0, RouteAnswer.UNICAST, 254, n1), toTarget, "main table, via n1");

                RouteAnswer reply = routes.input(ip("203.0.113.5"), ip("10.0.1.230"), n1);
                assertEquals(new RouteAnswer(0, RouteAnswer.UNICAST, 100, c0), reply, "the rule's table");
                assertTrue(nat.execOk("ip", "route", "get", "203.0.113.5", "from", "10.0.1.230", "iif", "n1")
                        .contains("table 100"));

                RouteAnswer unrouted = routes.output(ip("203.0.113.5"));
                assertFalse(unrouted.found(), "not from this host: the rule selects by source");
                assertEquals(Errno.ENETUNREACH.intValue(), unrouted.errno());
                assertEquals(
                        Errno.EACCES.intValue(),
                        routes.input(ip("203.0.113.200"), ip("10.0.1.230"), n1).errno(),
                        "prohibit");

                nat.execOk("sysctl", "-qw", "net.ipv4.ip_forward=0");
                assertEquals(
                        Errno.EHOSTUNREACH.intValue(),
                        routes.input(ip("198.51.100.7"), ip("10.0.1.230"), n1).errno(),
                        "no forwarding");
            }
        }
    }
}
