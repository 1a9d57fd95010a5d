package dev.natagent.agent.e2e;

import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A real Redis cluster behind the NAT of a {@link NatLab}: cluster-mode redis-server nodes, each in
 * a namespace of its own on the private network (which the client namespace has no route to),
 * formed and changed with {@code redis-cli --cluster} as an operator does it, from an operator
 * namespace on the same network. With {@link RedisTls} the nodes speak TLS only (clients, cluster
 * bus and replication). The lab's close stops every node by pid and deletes every namespace.
 */
final class RedisClusterLab implements AutoCloseable {
    static final int PORT = 6379;
    static final String CLIENT = ElastiCacheGuide.TRUSTED;
    private static final String OPERATOR = "10.0.1.9";
    private static final long CONVERGE_MILLIS = 60_000;

    final NatLab nat;
    final Netns client;
    private final Netns operator;
    private final RedisTls tls;
    private final boolean hostnames;
    private final Map<String, Long> pids = new LinkedHashMap<>();

    private RedisClusterLab(NatLab nat, Netns client, Netns operator, RedisTls tls, boolean hostnames) {
        this.nat = nat;
        this.client = client;
        this.operator = operator;
        this.tls = tls;
        this.hostnames = hostnames;
    }

    /**
     * The namespaces (NAT, client, operator); no node yet. {@code tls} may be null (plain TCP). With
     * {@code hostnames} the nodes advertise their {@link #hostname} and prefer it in redirects, as
     * ElastiCache nodes with in-transit encryption do.
     */
    static RedisClusterLab create(Path dir, RedisTls tls, boolean hostnames) throws IOException {
        NatLab nat = NatLab.create(dir);
        try {
            return new RedisClusterLab(nat, nat.client(CLIENT), nat.node(OPERATOR), tls, hostnames);
        } catch (IOException | RuntimeException | Error e) {
            nat.close();
            throw e;
        }
    }

    /**
     * Starts a node on each address and forms them into one cluster with {@code replicas} replicas
     * per primary ({@code redis-cli --cluster create}), then waits until every node agrees.
     */
    void form(List<String> addresses, int replicas) throws Exception {
        for (String address : addresses) {
            startNode(address);
        }
        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        addresses.forEach(a -> create.add(a + ":" + PORT));
        create.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
        cli(create.toArray(String[]::new));
        awaitAgreement();
    }

    /** A cluster-mode redis-server on address:6379 in a namespace of its own, not yet in the cluster. */
    void startNode(String address) throws Exception {
        Path data = Files.createDirectories(nat.dir.resolve("redis-" + address));
        List<String> command = new ArrayList<>(List.of(
                "redis-server",
                "--bind",
                address,
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                "--cluster-node-timeout",
                "5000",
                // Masqueraded clients arrive from the NAT's private address, not from loopback.
                "--protected-mode",
                "no",
                "--repl-diskless-sync-delay",
                "0",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                data.toString()));
        command.addAll(tls == null ? List.of("--port", Integer.toString(PORT)) : tls.serverArgs(PORT));
        if (hostnames) {
            command.addAll(List.of(
                    "--cluster-announce-hostname", hostname(address), "--cluster-preferred-endpoint-type", "hostname"));
        }
        pids.put(address, nat.server(nat.node(address), address, PORT, command.toArray(String[]::new)));
    }

    /** The name a node on {@code address} advertises when the lab uses hostnames. */
    static String hostname(String address) {
        return "node-" + address.substring(address.lastIndexOf('.') + 1) + ".orders.cache.test";
    }

    /** redis-cli in the operator namespace (with the TLS options when the cluster uses TLS); its stdout. */
    String cli(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-cli"));
        command.addAll(tls == null ? List.of() : tls.cliArgs());
        command.addAll(List.of(args));
        return operator.execOk(command.toArray(String[]::new));
    }

    /** One command sent to the node at {@code address}; the reply as redis-cli prints it. */
    String command(String address, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("-h", address, "-p", Integer.toString(PORT)));
        args.addAll(List.of(command));
        return cli(args.toArray(String[]::new)).trim();
    }

    /** The nodes' TLS set-up, or null for plain TCP. */
    RedisTls tls() {
        return tls;
    }

    /** The addresses of the nodes this lab runs (started and not removed). */
    Set<String> addresses() {
        return new TreeSet<>(pids.keySet());
    }

    /** The cluster as the node at {@code address} sees it (CLUSTER NODES). */
    List<ClusterNode> nodes(String address) throws IOException {
        return command(address, "CLUSTER", "NODES")
                .lines()
                .filter(l -> !l.isBlank())
                .map(ClusterNode::parse)
                .toList();
    }

    /** The cluster as the first running node sees it. */
    List<ClusterNode> nodes() throws IOException {
        return nodes(pids.keySet().iterator().next());
    }

    ClusterNode node(String address) throws IOException {
        List<ClusterNode> nodes = nodes();
        return nodes.stream()
                .filter(n -> n.address().equals(address))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no node " + address + " in " + nodes));
    }

    /**
     * Waits until every running node reports cluster_state:ok, lists exactly the running nodes in
     * CLUSTER SHARDS, none of them failed, and all agree on which nodes are primaries: what a
     * topology poll may then read is the settled topology.
     */
    void awaitAgreement() throws Exception {
        Polling.awaitTrue(
                () -> {
                    Set<String> primaries = null;
                    for (String address : pids.keySet()) {
                        if (!command(address, "CLUSTER", "INFO").contains("cluster_state:ok")) {
                            return false;
                        }
                        if (!shardAddresses(command(address, "CLUSTER", "SHARDS"))
                                .equals(addresses())) {
                            return false;
                        }
                        List<ClusterNode> view = nodes(address);
                        if (view.stream().anyMatch(n -> !n.healthy())) {
                            return false;
                        }
                        Set<String> seen = view.stream()
                                .filter(ClusterNode::primary)
                                .map(ClusterNode::address)
                                .collect(Collectors.toCollection(TreeSet::new));
                        if (primaries != null && !primaries.equals(seen)) {
                            return false;
                        }
                        primaries = seen;
                    }
                    return true;
                },
                CONVERGE_MILLIS,
                "the cluster of " + addresses() + " to agree on its topology");
    }

    /** The node addresses in raw CLUSTER SHARDS output (each "ip" field's value). */
    static Set<String> shardAddresses(String shards) {
        List<String> lines = shards.lines().map(String::trim).toList();
        Set<String> addresses = new TreeSet<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).equals("ip")) {
                addresses.add(lines.get(i + 1));
            }
        }
        return addresses;
    }

    /** A manual failover run on {@code replica}: it becomes its shard's primary. */
    void failover(String replica) throws Exception {
        if (node(replica).primary()) {
            throw new IllegalArgumentException(replica + " is a primary already");
        }
        String reply = command(replica, "CLUSTER", "FAILOVER");
        if (!reply.equals("OK")) {
            throw new AssertionError("CLUSTER FAILOVER on " + replica + ": " + reply);
        }
        Polling.awaitTrue(() -> node(replica).primary(), CONVERGE_MILLIS, replica + " to become a primary");
        awaitAgreement();
    }

    /** Starts a node on {@code address} and adds it to the cluster as an empty primary; its id. */
    String addNode(String address) throws Exception {
        startNode(address);
        cli("--cluster", "add-node", address + ":" + PORT, anyNode() + ":" + PORT);
        awaitAgreement();
        return node(address).id();
    }

    /** Moves {@code slots} slots from all other primaries to the primary with id {@code to}. */
    void reshard(String to, int slots) throws Exception {
        cli(
                "--cluster",
                "reshard",
                anyNode() + ":" + PORT,
                "--cluster-from",
                "all",
                "--cluster-to",
                to,
                "--cluster-slots",
                Integer.toString(slots),
                "--cluster-yes");
        awaitAgreement();
    }

    /**
     * Removes the node on {@code address} (a replica or a primary without slots) with {@code
     * redis-cli --cluster del-node}, which makes the others forget it and shuts it down.
     */
    void removeNode(String address) throws Exception {
        String id = node(address).id();
        pids.remove(address);
        cli("--cluster", "del-node", anyNode() + ":" + PORT, id);
        awaitAgreement();
    }

    private String anyNode() {
        return pids.keySet().iterator().next();
    }

    @Override
    public void close() throws IOException {
        nat.close();
    }

    /** One line of CLUSTER NODES: id, address, flags, its primary's id ("-" for a primary), slot count. */
    record ClusterNode(String id, String address, int port, Set<String> flags, String primaryId, int slots) {
        static ClusterNode parse(String line) {
            String[] f = line.trim().split(" ");
            String endpoint = f[1].split("[@,]")[0];
            int colon = endpoint.lastIndexOf(':');
            int slots = 0;
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated or imported
                }
                String[] range = f[i].split("-");
                slots += range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
            }
            return new ClusterNode(
                    f[0],
                    endpoint.substring(0, colon),
                    Integer.parseInt(endpoint.substring(colon + 1)),
                    new TreeSet<>(Arrays.asList(f[2].split(","))),
                    f[3],
                    slots);
        }

        boolean primary() {
            return flags.contains("master");
        }

        boolean healthy() {
            return !flags.contains("fail") && !flags.contains("fail?") && !flags.contains("handshake");
        }
    }
}
