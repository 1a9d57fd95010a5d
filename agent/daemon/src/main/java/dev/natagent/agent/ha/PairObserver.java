package dev.natagent.agent.ha;

import dev.natagent.agent.ha.PairStatus.Conntrackd;
import dev.natagent.agent.model.HaPair;
import dev.natagent.agent.model.Ipv4;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads this node's side of a pair without privileges, each at the call: which floating addresses
 * the host's interfaces carry (the kernel's address list, as the JDK reads it), and whether a
 * process listens on conntrackd's control socket (/proc/net/unix lists listening UNIX sockets with
 * their paths for every user, while the socket itself is root's and conntrackd's own state can
 * only be asked for through it).
 */
public final class PairObserver {
    /** The IPv4 addresses on this host's interfaces. */
    @FunctionalInterface
    public interface LocalAddresses {
        Set<Ipv4> read() throws IOException;
    }

    /** __SO_ACCEPTCON in /proc/net/unix's Flags column: the socket listens. */
    private static final long LISTENING = 0x10000;

    private final Path procRoot;
    private final LocalAddresses local;

    public PairObserver(Path procRoot) {
        this(procRoot, PairObserver::interfaceAddresses);
    }

    public PairObserver(Path procRoot, LocalAddresses local) {
        this.procRoot = procRoot;
        this.local = local;
    }

    public PairStatus observe(HaPair pair) {
        List<String> problems = new ArrayList<>();
        Set<Ipv4> here = Set.of();
        boolean addressesKnown = true;
        try {
            here = local.read();
        } catch (IOException e) {
            addressesKnown = false;
            problems.add(e.getMessage());
        }
        List<Ipv4> held = new ArrayList<>();
        List<Ipv4> notHeld = new ArrayList<>();
        for (Ipv4 address : pair.floatingAddresses()) {
            (here.contains(address) ? held : notHeld).add(address);
        }
        Path unix = procRoot.resolve("net/unix");
        Conntrackd conntrackd;
        try {
            conntrackd = listens(Files.readAllLines(unix), pair.conntrackdSocket())
                    ? Conntrackd.RUNNING
                    : Conntrackd.NOT_RUNNING;
        } catch (IOException e) {
            conntrackd = Conntrackd.UNKNOWN;
            problems.add("cannot read " + unix + ": " + e.getMessage());
        }
        return new PairStatus(
                held, notHeld, addressesKnown, conntrackd, pair.conntrackdSocket(), String.join("; ", problems));
    }

    /** Whether a line of /proc/net/unix is a listening socket bound to {@code path}. */
    static boolean listens(List<String> lines, String path) {
        String wanted = canonical(path);
        for (String line : lines) {
            // Num RefCount Protocol Flags Type St Inode Path
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 8 || fields[0].equals("Num")) {
                continue;
            }
            try {
                if ((Long.parseLong(fields[3], 16) & LISTENING) != 0
                        && canonical(fields[7]).equals(wanted)) {
                    return true;
                }
            } catch (NumberFormatException e) {
                // Not a socket line.
            }
        }
        return false;
    }

    /** /var/run is a link to /run on every current distribution; conntrackd binds whichever its config names. */
    private static String canonical(String path) {
        return path.startsWith("/var/run/") ? path.substring("/var".length()) : path;
    }

    private static Set<Ipv4> interfaceAddresses() throws IOException {
        Set<Ipv4> addresses = new HashSet<>();
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                for (InetAddress address : nic.inetAddresses().toList()) {
                    if (address instanceof Inet4Address v4) {
                        addresses.add(Ipv4.parse(v4.getHostAddress()));
                    }
                }
            }
        } catch (SocketException | UncheckedIOException e) {
            throw new IOException("cannot list the interfaces' addresses: " + e.getMessage(), e);
        }
        return addresses;
    }
}
