package dev.natagent.agent.resolve;

import dev.natagent.agent.model.Ipv4;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/** Resolves a DNS name to IPv4 addresses; injectable so tests need no DNS. */
@FunctionalInterface
public interface HostLookup {

    /** The name's IPv4 addresses in the resolver's order; throws when there are none. */
    List<Ipv4> lookup(String host) throws IOException;

    /** The system resolver (InetAddress: /etc/hosts, then DNS), IPv4 answers only. */
    static HostLookup system() {
        return host -> {
            List<Ipv4> addresses = Arrays.stream(InetAddress.getAllByName(host))
                    .filter(Inet4Address.class::isInstance)
                    .map(a -> Ipv4.of(a.getAddress()))
                    .toList();
            if (addresses.isEmpty()) {
                throw new UnknownHostException(host + " has no IPv4 address");
            }
            return addresses;
        };
    }
}
