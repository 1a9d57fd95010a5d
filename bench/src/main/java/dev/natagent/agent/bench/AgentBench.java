package dev.natagent.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.StateChange;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.ExportFormat;
import dev.natagent.agent.reconcile.ClientNftPort;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.agent.service.BenchExports;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.validation.Validator;
import dev.natagent.nft.client.NftClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Java half of {@code bench/agent-bench.sh}: agent-level timings that need a program, printed
 * as {@code key value} lines (milliseconds) for the script's table. Each mode runs in whatever
 * network namespace the script started it in; it never creates one itself.
 *
 * <ul>
 *   <li>{@code seed DIR N}: writes a persisted state of N forwards into a fresh state directory
 *       (the daemon adopts it at start), through the real {@link StateStore}.
 *   <li>{@code inproc N RUNS PAIRS}: in this process, on the kernel of this namespace, the calls the
 *       {@code apply} operation makes (validate, diff, element batch, journal with fsync) for a cold
 *       apply of N forwards into an empty table, RUNS times; then PAIRS single forwards added and
 *       removed at N: the kernel change alone, and kernel plus journal (acknowledged).
 *   <li>{@code export N nft|iptables|json FILE [LISTS]}: the agent's own export of that state (the
 *       equivalent ruleset that {@code nft -f} and {@code iptables-restore} load for comparison, or
 *       the state document {@code natctl apply} takes). With LISTS, every forward has an allow-list
 *       instead: LISTS distinct ones (1: one list shared by all), the forwards taking them in turn;
 *       a sixth argument {@code changed} gives every forward another target and another list (the
 *       state that replaces the first one whole).
 *   <li>{@code export-ranges json FILE [changed]}: the most listen ports a state can hold in port
 *       ranges: 2,048 forwards (half tcp, half udp) of 63 ports each, each port to its own target,
 *       each forward with its own allow-list; {@code changed} as above.
 *   <li>{@code api SOCKET N RUNS PAIRS}: the same through a running daemon's admin socket, timed in
 *       this warm client (so without natctl's JVM start): cold apply of N (the state is emptied
 *       between runs), and PAIRS {@code forward.add}/{@code forward.remove} of one extra forward.
 * </ul>
 */
public final class AgentBench {
    /** Listen port of the one forward that carries real traffic (to redis in the server namespace). */
    static final int REDIS_PORT = 16_379;

    private AgentBench() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "seed" -> seed(Path.of(args[1]), Integer.parseInt(args[2]));
            case "inproc" -> inProcess(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "export" -> export(
                    args[3],
                    args[2],
                    args.length > 4
                            ? withAllowLists(
                                    Integer.parseInt(args[1]),
                                    Integer.parseInt(args[4]),
                                    args.length > 5 && args[5].equals("changed"))
                            : state(Integer.parseInt(args[1])));
            case "export-ranges" -> export(args[2], args[1], portRanges(args.length > 3 && args[3].equals("changed")));
            case "api" -> overSocket(
                    Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    /**
     * N forwards on listen ports 10000.., each to its own target (so the return path has N entries
     * too); the one on {@link #REDIS_PORT} goes to redis at 10.0.1.2:6379 with an allow-list.
     */
    static NatState state(int n) {
        List<Forward> forwards = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int port = 10_000 + i;
            if (port == REDIS_PORT) {
                forwards.add(new Forward(
                        "redis",
                        Protocol.TCP,
                        PortRange.single(port),
                        List.of(Target.parse("10.0.1.2:6379")),
                        List.of(Cidr.parse("198.51.100.0/24")),
                        ReturnPath.MASQUERADE));
            } else {
                Target target = Target.parse("10.0.1." + (10 + i % 200) + ":" + (1024 + i / 200));
                forwards.add(Forward.single("f" + i, Protocol.TCP, port, target));
            }
        }
        return NatState.of(Settings.DEFAULTS, forwards, List.of());
    }

    private static void export(String file, String format, NatState state) throws IOException {
        Files.writeString(
                Path.of(file), BenchExports.text(state, ExportFormat.valueOf(format.toUpperCase(Locale.ROOT))));
    }

    /**
     * N forwards as in {@link #state}, each with one of {@code lists} distinct allow-lists (a /32
     * each); {@code changed}: every target on another host and every list another address.
     */
    static NatState withAllowLists(int n, int lists, boolean changed) {
        List<Forward> forwards = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            forwards.add(new Forward(
                    "f" + i,
                    Protocol.TCP,
                    PortRange.single(10_000 + i),
                    List.of(Target.parse(host(changed, i) + ":" + (1024 + i / 200))),
                    List.of(list(changed, i % lists)),
                    ReturnPath.MASQUERADE));
        }
        return NatState.of(Settings.DEFAULTS, forwards, List.of());
    }

    /** Forwards of {@link #RANGE_PORTS} ports each, tcp and udp, filling both protocols' port space. */
    static NatState portRanges(boolean changed) {
        int perProtocol = (PortRange.MAX - 1023) / RANGE_PORTS;
        List<Forward> forwards = new ArrayList<>(2 * perProtocol);
        for (int i = 0; i < 2 * perProtocol; i++) {
            int first = 1024 + (i / 2) * RANGE_PORTS;
            List<Target> targets = new ArrayList<>(RANGE_PORTS);
            for (int port = 0; port < RANGE_PORTS; port++) {
                targets.add(Target.parse(host(changed, i * RANGE_PORTS + port) + ":" + (1024 + port)));
            }
            forwards.add(new Forward(
                    "r" + i,
                    i % 2 == 0 ? Protocol.TCP : Protocol.UDP,
                    new PortRange(first, first + RANGE_PORTS - 1),
                    targets,
                    List.of(list(changed, i)),
                    ReturnPath.MASQUERADE));
        }
        return NatState.of(Settings.DEFAULTS, forwards, List.of());
    }

    static final int RANGE_PORTS = 63;

    private static String host(boolean changed, int i) {
        return "10.0." + (changed ? 2 : 1) + "." + (10 + i % 200);
    }

    private static Cidr list(boolean changed, int list) {
        return Cidr.parse(
                "10." + ((changed ? 64 : 0) + (list >> 16)) + "." + ((list >> 8) & 0xff) + "." + (list & 0xff) + "/32");
    }

    static Forward extra() {
        return Forward.single("extra", Protocol.UDP, 5353, Target.parse("10.0.1.53:53"));
    }

    private static void seed(Path dir, int n) throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(StateDiff.between(NatState.empty(), state(n)).changes());
            store.compact();
        }
    }

    private static void inProcess(int n, int runs, int pairs) throws Exception {
        NatState full = state(n);
        Validator validator = new Validator(Set::of);
        Desired empty = Desired.of(NatState.empty());
        Desired after = Desired.of(full);
        long[] cold = new long[runs];
        long[] coldCpu = new long[runs];
        long[] kernelOnly = new long[runs];
        try (NftClient client = NftClient.openIpv4()) {
            Reconciler reconciler = new Reconciler(new ClientNftPort(client));
            reconciler.reconcileFull(empty);
            for (int run = 0; run < runs; run++) {
                Path dir = Files.createTempDirectory("agent-bench-store");
                try (StateStore store = StateStore.open(dir)) {
                    long cpu0 = processCpuNanos();
                    long t0 = System.nanoTime();
                    validator.check(store.state(), full, false);
                    StateDiff diff = StateDiff.between(store.state(), full);
                    long t1 = System.nanoTime();
                    reconciler.applyChange(empty, after);
                    long t2 = System.nanoTime();
                    store.append(diff.changes(), full);
                    long t3 = System.nanoTime();
                    cold[run] = t3 - t0;
                    coldCpu[run] = processCpuNanos() - cpu0;
                    kernelOnly[run] = t2 - t1;
                    if (run < runs - 1) {
                        reconciler.applyChange(after, empty);
                    }
                } finally {
                    deleteTree(dir);
                }
            }
            print("inproc.cold", cold);
            print("inproc.cold.cpu", coldCpu);
            print("inproc.cold.kernel", kernelOnly);

            Path dir = Files.createTempDirectory("agent-bench-store");
            try (StateStore store = StateStore.open(dir)) {
                store.append(StateDiff.between(NatState.empty(), full).changes());
                Desired with = Desired.of(full.withForward(extra()));
                long[] kernelAdd = new long[pairs];
                long[] kernelRemove = new long[pairs];
                long[] ackAdd = new long[pairs];
                long[] ackRemove = new long[pairs];
                for (int i = 0; i < pairs; i++) {
                    long t0 = System.nanoTime();
                    reconciler.applyForwards(after, with, Set.of("extra"));
                    long t1 = System.nanoTime();
                    reconciler.applyForwards(with, after, Set.of("extra"));
                    long t2 = System.nanoTime();
                    kernelAdd[i] = t1 - t0;
                    kernelRemove[i] = t2 - t1;
                }
                for (int i = 0; i < pairs; i++) {
                    long t0 = System.nanoTime();
                    reconciler.applyForwards(after, with, Set.of("extra"));
                    store.append(List.of(new StateChange.PutForward(extra())));
                    long t1 = System.nanoTime();
                    reconciler.applyForwards(with, after, Set.of("extra"));
                    store.append(List.of(new StateChange.RemoveForward("extra")));
                    long t2 = System.nanoTime();
                    ackAdd[i] = t1 - t0;
                    ackRemove[i] = t2 - t1;
                    store.compactIfDue();
                }
                print("inproc.kernel.add", kernelAdd);
                print("inproc.kernel.remove", kernelRemove);
                print("inproc.ack.add", ackAdd);
                print("inproc.ack.remove", ackRemove);
            } finally {
                deleteTree(dir);
            }
        }
    }

    private static void overSocket(Path socket, int n, int runs, int pairs) throws IOException {
        ObjectNode emptyState = (ObjectNode) TestJson.toTree(NatState.empty());
        if (n > 0) {
            JsonNode fullState = TestJson.toTree(state(n));
            long[] cold = new long[runs];
            for (int run = 0; run < runs; run++) {
                call(socket, "apply", args().put("dry_run", false).set("state", emptyState));
                long t0 = System.nanoTime();
                call(socket, "apply", args().put("dry_run", false).set("state", fullState));
                cold[run] = System.nanoTime() - t0;
            }
            print("api.cold", cold);
        }
        if (pairs > 0) {
            JsonNode extra = TestJson.toTree(extra());
            long[] add = new long[pairs];
            long[] remove = new long[pairs];
            for (int i = 0; i < pairs; i++) {
                long t0 = System.nanoTime();
                call(socket, "forward.add", args().set("forward", extra));
                long t1 = System.nanoTime();
                call(socket, "forward.remove", args().put("name", "extra"));
                remove[i] = System.nanoTime() - t1;
                add[i] = t1 - t0;
            }
            print("api.add", add);
            print("api.remove", remove);
        }
    }

    static ObjectNode args() {
        return TestJson.mapper().createObjectNode();
    }

    /** One request on its own connection, as natctl does; fails loudly on an error answer. */
    static JsonNode call(Path socket, String op, ObjectNode args) throws IOException {
        ObjectNode request = TestJson.mapper().createObjectNode();
        request.put("v", 1).put("id", "bench").put("op", op).set("args", args);
        byte[] json = TestJson.mapper().writeValueAsBytes(request);
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(line);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (channel.read(in) >= 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
                if (answer.size() > 0 && answer.toByteArray()[answer.size() - 1] == '\n') {
                    break;
                }
            }
            JsonNode response = TestJson.mapper().readTree(answer.toByteArray());
            if (!response.path("ok").asBoolean()) {
                throw new IOException(op + " failed: " + new String(answer.toByteArray(), StandardCharsets.UTF_8));
            }
            return response.path("result");
        }
    }

    /**
     * CPU time of this whole process, user and system (the kernel taking a batch runs in our
     * sendmsg), GC and JIT threads included: steadier than wall time on a machine shared with others.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** {@code key median min max} in milliseconds with two decimals. */
    private static void print(String key, long[] nanos) {
        if (nanos.length == 0) {
            return;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(
                "%s %.3f %.3f %.3f%n",
                key, sorted[sorted.length / 2] / 1e6, sorted[0] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
