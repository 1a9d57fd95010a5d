package dev.natagent.agent.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.ClientMode;
import net.spy.memcached.DefaultConnectionFactory;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.config.NodeEndPoint;

/**
 * The main of a child JVM in the client namespace: the unmodified ElastiCache Cluster Client in
 * auto-discovery (dynamic) mode, given only the configuration endpoint {@code HOST PORT}. It prints
 * "ready" (or "error ...") and answers each stdin line with one line: "set PREFIX N" stores
 * PREFIX-0..N-1, "get PREFIX N" reads them back ("ok N" or "error FAILED/N: FIRST"), "nodes" lists
 * the ip:port of every node the client knows.
 */
public final class AutoDiscoveryClientMain {
    private AutoDiscoveryClientMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream answers = System.out;
        System.setOut(System.err);
        MemcachedClient client;
        try {
            // The client picks dynamic mode by itself only for a host name containing ".cfg.", as
            // ElastiCache names its configuration endpoints; given the NAT's address, it is asked for.
            // It polls for a new configuration each second instead of each minute.
            client = new MemcachedClient(
                    new DefaultConnectionFactory(ClientMode.Dynamic) {
                        @Override
                        public long getDynamicModePollingInterval() {
                            return 1_000;
                        }
                    },
                    List.of(new InetSocketAddress(args[0], Integer.parseInt(args[1]))));
        } catch (Exception e) {
            answers.println("error " + ClusterClientMain.describe(e));
            return;
        }
        answers.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            answers.println(answer(client, line.split(" ")));
        }
        client.shutdown(5, TimeUnit.SECONDS);
        System.exit(0);
    }

    private static String answer(MemcachedClient client, String[] request) {
        if (request[0].equals("nodes")) {
            TreeSet<String> nodes = new TreeSet<>();
            for (NodeEndPoint node : client.getAllNodeEndPoints()) {
                nodes.add(node.getIpAddress() + ":" + node.getPort());
            }
            return "ok " + String.join(",", nodes);
        }
        int count = Integer.parseInt(request[2]);
        int failed = 0;
        String first = null;
        for (int i = 0; i < count; i++) {
            String key = request[1] + "-" + i;
            try {
                boolean ok = request[0].equals("set")
                        ? client.set(key, 0, key).get(5, TimeUnit.SECONDS)
                        : key.equals(client.get(key));
                if (!ok) {
                    failed++;
                    first = first == null ? key + " not " + request[0] : first;
                }
            } catch (Exception e) {
                failed++;
                first = first == null ? key + ": " + ClusterClientMain.describe(e) : first;
            }
        }
        return failed == 0 ? "ok " + count : "error " + failed + "/" + count + ": " + first;
    }
}
