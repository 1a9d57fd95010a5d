package dev.natagent.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.ExecResult;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NAT pair in namespaces of the test's own, run from the example files in {@code packaging/ha}
 * (templated for this lab's addresses, interfaces and paths, nothing else changed), removed by
 * {@link #close} also when the test failed:
 *
 * <pre>
 *                        client 203.0.113.100
 *                               |
 *     switch ns: bridge pub 203.0.113.0/24       floating public 203.0.113.10 on the active node
 *            |                            |
 *     natA pub 203.0.113.11        natB pub 203.0.113.12
 *     natA sync 10.0.9.1 ----------- natB sync 10.0.9.2      conntrackd FTFW, its own link
 *     natA priv 10.0.1.11          natB priv 10.0.1.12       VRRP unicast between these
 *            |                            |
 *     switch ns: bridge priv 10.0.1.0/24         floating private 10.0.1.10 on the active node
 *                               |
 *                        cache 10.0.1.100 (redis-server)
 * </pre>
 *
 * Both nodes run the real agent with the same desired state (redis on 6379, SNAT to the floating
 * private address), conntrackd and keepalived (natA preferred). Every process is started so that
 * its pid is the program's own, and is stopped by that pid.
 */
final class PairLab implements AutoCloseable {
    static final String CLIENT = "203.0.113.100";
    static final String CACHE = "10.0.1.100";
    static final String FLOATING_PUBLIC = "203.0.113.10";
    static final String FLOATING_PRIVATE = "10.0.1.10";
    static final int PORT = 6379;

    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z_]+@");
    private static final long PROCESS_EXIT_SECONDS = 15;

    /** What the pair runs with: conntrackd on or not, and nf_conntrack_tcp_be_liberal when not as shipped. */
    record Options(boolean conntrackd, Integer beLiberal) {
        static final Options SHIPPED = new Options(true, null);
    }

    final Path dir;
    final Path packaging;
    final Netns client;
    final Netns cache;
    final Node natA;
    final Node natB;
    private final Netns switches;
    private final List<Netns> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private PairLab(Path dir, Path packaging, Netns switches) throws IOException {
        this.dir = dir;
        this.packaging = packaging;
        this.switches = switches;
        namespaces.add(switches);
        for (String bridge : List.of("pub", "priv")) {
            switches.execOk("ip", "link", "add", bridge, "type", "bridge");
            switches.execOk("ip", "link", "set", bridge, "up");
        }
        client = attach("pub", "client", "eth0", CLIENT);
        cache = attach("priv", "cache", "eth0", CACHE);
        natA = new Node("natA", 1, 150);
        natB = new Node("natB", 2, 100);
        Netns.veth(natA.ns, "sync", "10.0.9.1/30", natB.ns, "sync", "10.0.9.2/30");
    }

    /** The whole pair up, natA active; closed again when any part fails to start. */
    static PairLab start(Path dir, Options options) throws Exception {
        PairLab lab = new PairLab(dir, packagingHa(), Netns.create());
        try {
            lab.redis();
            for (Node node : lab.nodes()) {
                node.agent = AgentDaemon.prepare(AgentDaemon.Launch.in(
                        node.ns, node.dir, Files.writeString(node.dir.resolve("config.json"), node.config())));
                node.agent.start();
                // After the agent: its nat table loads conntrack, which brings the sysctls.
                node.sysctls(options);
                if (options.conntrackd()) {
                    node.startConntrackd();
                }
            }
            for (Node node : lab.nodes()) {
                node.startKeepalived();
            }
            lab.awaitActive(lab.natA, 30_000);
            return lab;
        } catch (Exception | Error e) {
            System.err.println(lab.diagnostics());
            lab.close();
            throw e;
        }
    }

    List<Node> nodes() {
        return List.of(natA, natB);
    }

    Node other(Node node) {
        return node == natA ? natB : natA;
    }

    /** Waits until {@code node} holds both floating addresses and its peer neither. */
    void awaitActive(Node node, long timeoutMillis) throws Exception {
        Polling.awaitTrue(
                () -> node.holds() == 2 && other(node).holds() == 0,
                timeoutMillis,
                node.name + " active, holding both floating addresses");
    }

    /** The directory holding the example files: packaging/ha of this source tree. */
    private static Path packagingHa() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("packaging").resolve("ha"))) {
                return dir.resolve("packaging").resolve("ha");
            }
        }
        throw new IllegalStateException("no packaging/ha above " + System.getProperty("user.dir"));
    }

    private Netns attach(String bridge, String name, String inside, String address) throws IOException {
        Netns netns = Netns.create();
        namespaces.add(netns);
        switches.execOk("ip", "link", "add", name, "type", "veth", "peer", "name", inside, "netns", netns.name());
        switches.execOk("ip", "link", "set", name, "master", bridge, "up");
        netns.execOk("ip", "addr", "add", address + "/24", "dev", inside);
        netns.execOk("ip", "link", "set", inside, "up");
        return netns;
    }

    private void redis() throws Exception {
        spawn(
                cache,
                dir.resolve("redis.log"),
                "redis-server",
                "--bind",
                CACHE,
                "--port",
                Integer.toString(PORT),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
                "--dir",
                dir.toString());
        Polling.awaitTrue(() -> CacheClient.connects(cache, CACHE, PORT, 500), 10_000, "redis-server listening");
    }

    /** Starts {@code command} in {@code netns} with {@code ip netns exec}, which execs it: the pid is the program's. */
    private Process spawn(Netns netns, Path log, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns.name()));
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        process.getOutputStream().close();
        processes.add(process);
        return process;
    }

    /** SIGTERM to a process this lab started, by its pid, and waits for it to exit. */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(PROCESS_EXIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(PROCESS_EXIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * An example file with every {@code @NAME@} and every literal path in {@code values} replaced;
     * each must occur, and no placeholder may remain, so the file under test is the shipped one.
     */
    static String template(Path file, Map<String, String> values) throws IOException {
        String text = Files.readString(file);
        for (Map.Entry<String, String> value : values.entrySet()) {
            if (!text.contains(value.getKey())) {
                throw new AssertionError(file + " has no " + value.getKey() + " any more");
            }
            text = text.replace(value.getKey(), value.getValue());
        }
        Matcher left = PLACEHOLDER.matcher(text);
        if (left.find()) {
            throw new AssertionError(file + ": " + left.group() + " is not filled in by the lab");
        }
        return text;
    }

    /** Daemon, keepalived, conntrackd and redis logs, addresses and rulesets: what explains a failure. */
    String diagnostics() {
        StringBuilder out = new StringBuilder();
        for (Node node : nodes()) {
            out.append("==== ").append(node.name).append('\n');
            for (String log : List.of("keepalived.log", "conntrackd.log", "conntrackd.out")) {
                Path file = node.dir.resolve(log);
                try {
                    if (Files.exists(file)) {
                        out.append("---- ").append(log).append('\n').append(Files.readString(file));
                    }
                } catch (IOException e) {
                    out.append("(")
                            .append(log)
                            .append(" unreadable: ")
                            .append(e.getMessage())
                            .append(")\n");
                }
            }
            if (node.agent != null) {
                out.append("---- nat-agent log\n").append(node.agent.log());
            }
            for (String[] command :
                    List.of(new String[] {"ip", "-br", "addr"}, new String[] {"nft", "list", "ruleset"}, new String[] {
                        "cat", "/proc/net/nf_conntrack"
                    })) {
                try {
                    ExecResult result = node.ns.exec(command);
                    out.append("---- ")
                            .append(String.join(" ", command))
                            .append('\n')
                            .append(result.stdout())
                            .append(result.stderr());
                } catch (IOException e) {
                    out.append("(").append(e.getMessage()).append(")\n");
                }
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws IOException {
        List<Throwable> problems = new ArrayList<>();
        for (Node node : nodes()) {
            if (node.agent != null) {
                node.agent.close();
            }
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            try {
                stop(processes.get(i));
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
        if (!problems.isEmpty()) {
            throw new IOException("pair lab clean-up: " + problems);
        }
    }

    /** One NAT node: its namespace, files and processes. */
    final class Node {
        final String name;
        final Netns ns;
        final Path dir;
        AgentDaemon agent;
        private final int index;
        private final int priority;
        private Process keepalived;
        private Process conntrackd;

        private Node(String name, int index, int priority) throws IOException {
            this.name = name;
            this.index = index;
            this.priority = priority;
            this.ns = Netns.create();
            namespaces.add(ns);
            // keepalived runs scripts only from paths no other user can write to.
            this.dir = Files.createDirectories(
                    PairLab.this.dir.resolve(name),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            for (String side : List.of("pub", "priv")) {
                String port = name + "-" + side;
                switches.execOk("ip", "link", "add", port, "type", "veth", "peer", "name", side, "netns", ns.name());
                switches.execOk("ip", "link", "set", port, "master", side, "up");
                ns.execOk("ip", "addr", "add", own(side) + "/24", "dev", side);
                ns.execOk("ip", "link", "set", side, "up");
            }
        }

        /**
         * The desired state, the same on both nodes but for conntrackd's socket: the two nodes
         * share this lab's file system, where two conntrackd cannot bind one path.
         */
        String config() {
            return "{\"schema_version\":1,\"settings\":{\"ha\":{\"floating_addresses\":[\"" + FLOATING_PUBLIC
                    + "\",\"" + FLOATING_PRIVATE + "\"],\"conntrackd_socket\":\"" + dir.resolve("conntrackd.ctl")
                    + "\"}},\"forwards\":[{\"name\":\"redis\",\"listen\":\"6379\",\"to\":[\"" + CACHE
                    + ":6379\"],\"snat\":\"" + FLOATING_PRIVATE + "\"}]}";
        }

        /** The role this node's agent reports (status ha.role), and whether it sees conntrackd. */
        String role() throws IOException {
            JsonNode ha = agent.call("status", "{}").at("/result/ha");
            return ha.path("role").asText() + ", conntrackd "
                    + ha.path("conntrackd").asText();
        }

        /** This node's own address on pub, priv or sync. */
        String own(String side) {
            return switch (side) {
                case "pub" -> "203.0.113.1" + index;
                case "priv" -> "10.0.1.1" + index;
                case "sync" -> "10.0.9." + index;
                default -> throw new IllegalArgumentException(side);
            };
        }

        /** How many of the two floating addresses this node holds now. */
        int holds() throws IOException {
            String addresses = ns.execOk("ip", "-4", "-o", "addr", "show");
            return (addresses.contains(" " + FLOATING_PUBLIC + "/") ? 1 : 0)
                    + (addresses.contains(" " + FLOATING_PRIVATE + "/") ? 1 : 0);
        }

        /** The shipped sysctls, then the options' override. */
        void sysctls(Options options) throws IOException {
            for (String line : Files.readAllLines(packaging.resolve("sysctl.conf"))) {
                String setting = line.strip();
                if (!setting.isEmpty() && !setting.startsWith("#")) {
                    ns.execOk("sysctl", "-qw", setting.replace(" ", ""));
                }
            }
            if (options.beLiberal() != null) {
                ns.execOk("sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_be_liberal=" + options.beLiberal());
            }
        }

        Path conntrackdConfig() {
            return dir.resolve("conntrackd.conf");
        }

        void startConntrackd() throws Exception {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("@SYNC_INTERFACE@", "sync");
            values.put("@SYNC_ADDRESS@", own("sync"));
            values.put("@PEER_SYNC_ADDRESS@", other(this).own("sync"));
            values.put("@OWN_PUBLIC@", own("pub"));
            values.put("@OWN_PRIVATE@", own("priv"));
            values.put(
                    "/var/lock/conntrackd-nat-pair.lock",
                    dir.resolve("conntrackd.lock").toString());
            values.put(
                    "/var/run/conntrackd-nat-pair.ctl",
                    dir.resolve("conntrackd.ctl").toString());
            values.put("Syslog on", "Syslog off\n    LogFile " + dir.resolve("conntrackd.log"));
            Files.writeString(conntrackdConfig(), template(packaging.resolve("conntrackd.conf"), values));
            Files.deleteIfExists(dir.resolve("conntrackd.lock"));
            conntrackd = spawn(
                    ns,
                    dir.resolve("conntrackd.out"),
                    "conntrackd",
                    "-C",
                    conntrackdConfig().toString());
            Polling.awaitTrue(
                    () -> ns.exec("conntrackd", "-C", conntrackdConfig().toString(), "-s")
                            .ok(),
                    10_000,
                    name + " conntrackd answering");
        }

        void stopConntrackd() throws InterruptedException {
            stop(conntrackd);
        }

        void startKeepalived() throws IOException {
            Path natctl = dir.resolve("natctl");
            Files.writeString(
                    natctl,
                    "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                            + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto -cp '"
                            + AgentDaemon.CLASS_PATH + "' dev.natagent.agent.cli.Natctl --socket '"
                            + agent.socket() + "' \"$@\"\n");
            Files.setPosixFilePermissions(natctl, PosixFilePermissions.fromString("rwxr-xr-x"));
            Map<String, String> values = new LinkedHashMap<>();
            values.put("@ROUTER_ID@", name);
            values.put("@PRIORITY@", Integer.toString(priority));
            values.put("@VRRP_INTERFACE@", "priv");
            values.put("@OWN_ADDRESS@", own("priv"));
            values.put("@PEER_ADDRESS@", other(this).own("priv"));
            values.put("@PUBLIC_INTERFACE@", "pub");
            values.put("@PRIVATE_INTERFACE@", "priv");
            values.put("@FLOATING_PUBLIC@", FLOATING_PUBLIC + "/24");
            values.put("@FLOATING_PRIVATE@", FLOATING_PRIVATE + "/24");
            values.put("/usr/bin/natctl", natctl.toString());
            values.put(
                    "/usr/libexec/nat-agent/nat-pair-notify",
                    packaging.resolve("nat-pair-notify").toString());
            values.put("/etc/conntrackd/conntrackd.conf", conntrackdConfig().toString());
            Path config = dir.resolve("keepalived.conf");
            Files.writeString(config, template(packaging.resolve("keepalived.conf"), values));
            keepalived = spawn(
                    ns,
                    dir.resolve("keepalived.log"),
                    "keepalived",
                    "--dont-fork",
                    "--log-console",
                    "--log-detail",
                    "--no-syslog",
                    "--vrrp",
                    "--use-file=" + config,
                    "--pid=" + dir.resolve("keepalived.pid"),
                    "--vrrp_pid=" + dir.resolve("vrrp.pid"),
                    "--checkers_pid=" + dir.resolve("checkers.pid"));
        }

        /** SIGTERM: keepalived's orderly stop, which gives the floating addresses up at once. */
        void stopKeepalived() throws InterruptedException {
            stop(keepalived);
        }

        void link(String side, boolean up) throws IOException {
            ns.execOk("ip", "link", "set", side, up ? "up" : "down");
        }

        /** natctl ha-check as keepalived runs it: through the wrapper, in this namespace. */
        ExecResult haCheck() throws IOException {
            return ns.exec(dir.resolve("natctl").toString(), "ha-check");
        }
    }
}
