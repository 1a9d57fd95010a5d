package dev.natagent.agent.e2e;

import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ElastiCache scenario in namespaces of the test's own, torn down by {@link #close} (also when
 * the test failed):
 *
 * <pre>
 * client ns 198.51.100.x --veth-- [bridge pub: 203.0.113.73/24, 198.51.100.1/24]  NAT ns
 *                                  [bridge priv: 10.0.1.1/24]  --veth-- node ns 10.0.1.y (one per node)
 * </pre>
 *
 * Clients route 203.0.113.0/24 via the NAT; nodes have no route back to the clients, so replies
 * reach the clients only through the agent's return-path SNAT. The NAT namespace starts with
 * ip_forward off: the agent must turn it on. Servers and agents are killed by pid; a hosts file for
 * the NAT namespace lives in /etc/netns/NAME only while the lab exists.
 */
final class NatLab implements AutoCloseable {
    static final String PUBLIC = "203.0.113.73";
    static final String PRIVATE = "10.0.1.1";
    private static final Path ETC_NETNS = Path.of("/etc/netns");

    final Path dir;
    final Netns nat;
    private final List<Netns> namespaces = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();
    private final List<AgentDaemon> agents = new ArrayList<>();
    private Path hostsDir;
    private boolean createdEtcNetns;

    private NatLab(Path dir, Netns nat) {
        this.dir = dir;
        this.nat = nat;
    }

    static NatLab create(Path dir) throws IOException {
        Netns nat = Netns.create();
        NatLab lab = new NatLab(dir, nat);
        lab.namespaces.add(nat);
        try {
            for (String bridge : List.of("pub", "priv")) {
                nat.execOk("ip", "link", "add", bridge, "type", "bridge");
                nat.execOk("ip", "link", "set", bridge, "up");
            }
            nat.execOk("ip", "addr", "add", PUBLIC + "/24", "dev", "pub");
            nat.execOk("ip", "addr", "add", "198.51.100.1/24", "dev", "pub");
            nat.execOk("ip", "addr", "add", PRIVATE + "/24", "dev", "priv");
            nat.execOk("sysctl", "-qw", "net.ipv4.ip_forward=0");
            return lab;
        } catch (IOException | RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    /** A client namespace with {@code address}/24 on the public bridge, routing 203.0.113.0/24 via the NAT. */
    Netns client(String address) throws IOException {
        Netns client = attach("pub", "c", address);
        client.execOk("ip", "route", "add", "203.0.113.0/24", "via", "198.51.100.1");
        return client;
    }

    /** A cache-node namespace with {@code address}/24 on the private bridge and no other route. */
    Netns node(String address) throws IOException {
        return attach("priv", "n", address);
    }

    private Netns attach(String bridge, String prefix, String address) throws IOException {
        Netns netns = Netns.create();
        namespaces.add(netns);
        String port = prefix
                + address.replace(".", "")
                        .substring(Math.max(0, address.replace(".", "").length() - 9));
        nat.execOk("ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", netns.name());
        nat.execOk("ip", "link", "set", port, "master", bridge, "up");
        netns.execOk("ip", "addr", "add", address + "/24", "dev", "eth0");
        netns.execOk("ip", "link", "set", "eth0", "up");
        return netns;
    }

    /** A real redis-server on address:6379 in {@code node}, without persistence; returns its pid. */
    long redis(Netns node, String address) throws Exception {
        return server(
                node,
                address,
                6379,
                "redis-server",
                "--port",
                "6379",
                "--bind",
                address,
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--protected-mode",
                "no",
                "--dir",
                dir.toString());
    }

    /** A real memcached on address:11211 in {@code node}; returns its pid. */
    long memcached(Netns node, String address) throws Exception {
        return server(node, address, 11211, "memcached", "-u", "nobody", "-l", address, "-p", "11211", "-U", "0");
    }

    /**
     * A real dnsmasq on address:53 in {@code node} answering only the names in {@code hostsFile}
     * (hosts-file lines, re-read on SIGHUP), no upstream; returns its pid.
     */
    long dnsmasq(Netns node, String address, Path hostsFile) throws Exception {
        return server(
                node,
                address,
                53,
                "dnsmasq",
                "--no-daemon",
                "--no-resolv",
                "--no-hosts",
                "--addn-hosts=" + hostsFile,
                "--listen-address=" + address,
                "--bind-interfaces",
                "--user=root",
                "--group=root",
                "--pid-file=",
                "--local-ttl=0");
    }

    /** Sends {@code signal} (e.g. STOP, CONT) to a server this lab started, by its pid. */
    void signal(long pid, String signal) throws Exception {
        if (servers.stream().noneMatch(p -> p.pid() == pid && p.isAlive())) {
            throw new IllegalArgumentException("pid " + pid + " is no running server of this lab");
        }
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + pid + " failed");
        }
    }

    /** Starts a server with {@code ip netns exec} (which execs it: the pid is the server's). */
    long server(Netns node, String address, int port, String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", node.name()));
        full.addAll(List.of(command));
        Path log = dir.resolve(command[0] + "-" + address + ".log");
        Process process = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        servers.add(process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!CacheClient.connects(node, address, port, 200)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(command[0] + " on " + address + " did not start:\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
        return process.pid();
    }

    /**
     * Writes the NAT namespace's /etc/hosts as {@code ip netns exec} shows it to processes started
     * afterwards (a bind mount of /etc/netns/NAME/hosts). Rewritten in place, so the mount keeps
     * showing the current content.
     */
    void hosts(String content) throws IOException {
        if (hostsDir == null) {
            createdEtcNetns = !Files.exists(ETC_NETNS);
            hostsDir = Files.createDirectories(ETC_NETNS.resolve(nat.name()));
        }
        Files.writeString(hostsDir.resolve("hosts"), "127.0.0.1 localhost\n" + content);
    }

    /** A daemon for the NAT namespace with the given config file content (not started). */
    AgentDaemon agent(String configJson) throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), configJson);
        AgentDaemon agent = AgentDaemon.prepare(AgentDaemon.Launch.in(nat, dir, config));
        agents.add(agent);
        return agent;
    }

    /**
     * As {@link #agent(String)}, the daemon seeing {@code resolvConf} as its /etc/resolv.conf: a
     * bind mount in a mount namespace of the daemon's own, so the host's file is never touched.
     */
    AgentDaemon agentWithResolvConf(String configJson, String resolvConf) throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), configJson);
        Path resolv = Files.writeString(dir.resolve("resolv.conf"), resolvConf);
        AgentDaemon agent = AgentDaemon.prepare(AgentDaemon.Launch.in(nat, dir, config)
                .withPrivateMounts("mount --bind '" + resolv + "' /etc/resolv.conf"));
        agents.add(agent);
        return agent;
    }

    /** nft -a list table ip nat_agent in the NAT namespace. */
    String kernelTable() throws IOException {
        return nat.execOk("nft", "-a", "list", "table", "ip", "nat_agent");
    }

    /** What to look at when a test failed: the agents' logs and the NAT namespace's ruleset. */
    String diagnostics() {
        StringBuilder out = new StringBuilder();
        for (AgentDaemon agent : agents) {
            out.append("==== nat-agent log (")
                    .append(agent.isAlive() ? "running" : "stopped")
                    .append(")\n");
            out.append(agent.log());
        }
        try {
            out.append("==== nft list ruleset in ").append(nat.name()).append('\n');
            out.append(nat.exec("nft", "-a", "list", "ruleset").stdout());
            out.append("==== sysctl net.ipv4.ip_forward: ")
                    .append(nat.exec("sysctl", "-n", "net.ipv4.ip_forward").stdout());
        } catch (IOException | RuntimeException e) {
            out.append("(could not list the ruleset: ").append(e.getMessage()).append(")\n");
        }
        return out.toString();
    }

    @Override
    public void close() throws IOException {
        List<Throwable> problems = new ArrayList<>();
        for (AgentDaemon agent : agents) {
            try {
                agent.close();
            } catch (IOException | RuntimeException e) {
                problems.add(e);
            }
        }
        for (Process server : servers) {
            server.destroyForcibly();
            try {
                server.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                namespaces.get(i).close();
            } catch (IOException | RuntimeException | AssertionError e) {
                problems.add(e);
            }
        }
        if (hostsDir != null) {
            Files.deleteIfExists(hostsDir.resolve("hosts"));
            Files.deleteIfExists(hostsDir);
            if (createdEtcNetns) {
                try {
                    Files.deleteIfExists(ETC_NETNS);
                } catch (java.nio.file.DirectoryNotEmptyException e) {
                    // another user's entry appeared meanwhile: theirs to remove
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException("lab clean-up: " + problems);
        }
    }
}
