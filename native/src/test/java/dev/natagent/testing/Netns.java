package dev.natagent.testing;

import dev.natagent.nl.NetNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace of a test's own ({@code ip netns add}), with lo up, deleted on {@link
 * #close()} and, should a test forget or the JVM exit early, by a shutdown hook. {@link #call} runs
 * code on a dedicated thread that entered the namespace: sockets opened there live in it.
 */
public final class Netns implements AutoCloseable {
    /** Namespaces are named {@code PREFIX<pid>-<n>}, so leftovers of a run are recognisable. */
    public static final String PREFIX = "natagent-t";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Set<Netns> LIVE = ConcurrentHashMap.newKeySet();

    static {
        deleteLeftoversOfDeadRuns();
        Runtime.getRuntime().addShutdownHook(new Thread(Netns::closeAll, "netns-cleanup"));
    }

    private final String name;
    private final ExecutorService inside;

    private Netns(String name) {
        this.name = name;
        this.inside = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "netns-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Creates a uniquely named namespace with lo up and a thread inside it. */
    public static Netns create() throws IOException {
        String name = PREFIX + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        Processes.run(List.of("ip", "netns", "add", name)).requireSuccess("ip netns add " + name);
        Netns netns = new Netns(name);
        LIVE.add(netns);
        try {
            netns.exec("ip", "link", "set", "lo", "up").requireSuccess("lo up");
            netns.call(() -> {
                NetNamespace.enterCurrentThread(Path.of("/run/netns", name));
                return null;
            });
            return netns;
        } catch (IOException | RuntimeException | Error e) {
            netns.close();
            throw e;
        } catch (Exception e) {
            netns.close();
            throw new IOException("entering " + name, e);
        }
    }

    public String name() {
        return name;
    }

    /**
     * Runs {@code task} on this namespace's own thread and returns its result; the task's
     * exception is rethrown as is. Tasks run one at a time, in order. A socket belongs to the
     * namespace its descriptor was created in, and the JDK creates a {@code java.net.Socket}'s
     * only at connect or bind: connect inside the task, not after it.
     */
    public <T> T call(Callable<T> task) throws Exception {
        try {
            return inside.submit(task).get(Processes.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }

    /** Runs {@code command} inside the namespace ({@code ip netns exec NAME ...}). */
    public ExecResult exec(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return Processes.run(full);
    }

    /** Like {@link #exec} but fails the test when the command does. */
    public String execOk(String... command) throws IOException {
        return exec(command).requireSuccess(String.join(" ", command)).stdout();
    }

    /**
     * Connects two namespaces with a veth pair, created inside {@code a} so the root namespace is
     * never touched, and gives each end an address (CIDR notation, e.g. "10.0.1.1/24") and link up.
     */
    public static void veth(Netns a, String ifA, String cidrA, Netns b, String ifB, String cidrB) throws IOException {
        a.execOk("ip", "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b.name);
        a.execOk("ip", "addr", "add", cidrA, "dev", ifA);
        a.execOk("ip", "link", "set", ifA, "up");
        b.execOk("ip", "addr", "add", cidrB, "dev", ifB);
        b.execOk("ip", "link", "set", ifB, "up");
    }

    /** Stops the namespace's thread and deletes the namespace; idempotent. */
    @Override
    public void close() throws IOException {
        if (!LIVE.remove(this)) {
            return;
        }
        inside.shutdownNow();
        Processes.run(List.of("ip", "netns", "delete", name)).requireSuccess("ip netns delete " + name);
    }

    private static void closeAll() {
        for (Netns netns : List.copyOf(LIVE)) {
            try {
                netns.close();
            } catch (IOException | AssertionError e) {
                System.err.println("could not delete network namespace " + netns.name + ": " + e.getMessage());
            }
        }
    }

    /** Deletes namespaces of earlier test JVMs that were killed before their shutdown hook ran. */
    static void deleteLeftoversOfDeadRuns() {
        try {
            for (String line :
                    Processes.run(List.of("ip", "netns", "list")).stdout().split("\n")) {
                String name = line.split(" ")[0];
                if (ownerIsDead(name)) {
                    Processes.run(List.of("ip", "netns", "delete", name));
                }
            }
        } catch (IOException e) {
            System.err.println("could not look for leftover network namespaces: " + e.getMessage());
        }
    }

    private static boolean ownerIsDead(String name) {
        if (!name.startsWith(PREFIX) || name.indexOf('-', PREFIX.length()) < 0) {
            return false;
        }
        try {
            long pid = Long.parseLong(name.substring(PREFIX.length(), name.indexOf('-', PREFIX.length())));
            return ProcessHandle.of(pid).isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
