package dev.natagent.agent.validation;

import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.FieldError;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The rules that span objects or look at the machine: a protocol+port claimed by two forwards
 * (PORT_IN_USE), names taken (NAME_TAKEN), removing what is not there (NOT_FOUND),
 * forwarding the port sshd listens on (SSH_PORT_FORWARD, allowed only with force), more listen ports
 * than the kernel's sized sets hold, more distinct allow-lists or allow-list ranges than the agent
 * programs in bounded time and memory (CAPACITY_EXCEEDED). Rules about one object alone
 * (name syntax, ports, addresses, target count, interface names) are enforced by the model's
 * constructors, so an invalid Forward or Outbound never exists. Validation changes nothing.
 *
 * <p>Errors about an entry of a state name it by key: {@code forwards[name=redis].listen}; errors
 * about a single forward or outbound given as API arguments are relative to it: {@code listen}.
 */
public final class Validator {
    private final Supplier<Set<Integer>> sshdPorts;
    private final int listenPortCapacity;

    /** @param sshdPorts the TCP ports sshd listens on, asked on every check (the file may change) */
    public Validator(Supplier<Set<Integer>> sshdPorts) {
        this(sshdPorts, Protocol.LISTEN_KEYS);
    }

    /**
     * @param listenPortCapacity how many listen ports the kernel's sized sets hold (each listen port
     *     is one element of {@code forwards} and at most one of each other sized set)
     */
    public Validator(Supplier<Set<Integer>> sshdPorts, int listenPortCapacity) {
        this.sshdPorts = Objects.requireNonNull(sshdPorts, "sshdPorts");
        this.listenPortCapacity = listenPortCapacity;
    }

    public static Validator forSshdConfig(Path sshdConfig) {
        return new Validator(() -> SshdConfig.ports(sshdConfig));
    }

    public static Validator systemDefault() {
        return forSshdConfig(SshdConfig.DEFAULT_PATH);
    }

    /** Every error that keeps {@code proposed} from replacing {@code current}; empty when it may. */
    public List<FieldError> errors(NatState current, NatState proposed, boolean force) {
        List<FieldError> errors = new ArrayList<>();
        for (Forward forward : proposed.forwards().values()) {
            targetError(forward, current.forwards().get(forward.name()))
                    .ifPresent(e -> errors.add(e.under(key(forward.name()))));
        }
        portConflicts(proposed, errors);
        clusterConflicts(proposed, errors);
        capacity(proposed, errors);
        AllowListCapacity.of(proposed.forwards().values()).problem("forwards").ifPresent(errors::add);
        if (!force) {
            Set<Integer> ssh = sshPorts(proposed);
            for (Forward forward : proposed.forwards().values()) {
                Forward before = current.forwards().get(forward.name());
                sshPortError(forward, before, ssh).ifPresent(e -> errors.add(e.under(key(forward.name()))));
            }
            for (Cluster cluster : proposed.clusters().values()) {
                clusterSshError(cluster.spec(), ssh).ifPresent(e -> errors.add(e.under(clusterKey(cluster.name()))));
            }
        }
        return errors;
    }

    /**
     * For {@code cluster.add}: name free, its range free of forwards and other clusters, no
     * forward named like its nodes' forwards, not sshd's port.
     */
    public void checkAddCluster(NatState current, ClusterSpec spec) {
        if (current.clusters().containsKey(spec.name())) {
            throw new ValidationException(
                    "name", ErrorCode.NAME_TAKEN, "a cluster named '" + spec.name() + "' already exists");
        }
        List<FieldError> errors = new ArrayList<>();
        NatState proposed = current.withCluster(Cluster.of(spec));
        clusterConflicts(proposed, errors);
        clusterSshError(spec, sshPorts(current)).ifPresent(errors::add);
        List<FieldError> own = errors.stream()
                .filter(e -> e.field().startsWith(clusterKey(spec.name()))
                        || e.field().isEmpty())
                .map(e -> new FieldError(
                        e.field().startsWith(clusterKey(spec.name()))
                                ? e.field().substring(clusterKey(spec.name()).length() + 1)
                                : e.field(),
                        e.code(),
                        e.message()))
                .toList();
        ValidationException.throwIfAny(own.isEmpty() ? errors : own);
    }

    /** The cluster named {@code name}; NOT_FOUND if there is none. */
    public Cluster existingCluster(NatState current, String name) {
        return current.cluster(name)
                .orElseThrow(() -> new ValidationException(
                        "name", ErrorCode.NOT_FOUND, "there is no cluster named '" + name + "'"));
    }

    /**
     * The forward named {@code name}, for changing or removing it by hand: NOT_FOUND if there is
     * none, OWNED_BY_CLUSTER if it is a cluster node's (the cluster changes those).
     */
    public Forward declaredForward(NatState current, String name) {
        Forward forward = existingForward(current, name);
        Optional<Cluster> owner = current.owner(name);
        if (owner.isPresent()) {
            throw new ValidationException(
                    "name",
                    ErrorCode.OWNED_BY_CLUSTER,
                    "forward '" + name + "' belongs to cluster '" + owner.get().name()
                            + "', which changes it as the cluster's nodes change; change the cluster instead"
                            + " (natctl cluster remove/add, or apply)");
        }
        return forward;
    }

    /** Throws when {@code proposed} may not replace {@code current} (see {@link #errors}). */
    public void check(NatState current, NatState proposed, boolean force) {
        ValidationException.throwIfAny(errors(current, proposed, force));
    }

    /** For {@code forward.add}: name free, ports free, not sshd's port unless forced. */
    public void checkAddForward(NatState current, Forward forward, boolean force) {
        if (current.forwards().containsKey(forward.name())) {
            throw new ValidationException(
                    "name",
                    ErrorCode.NAME_TAKEN,
                    "a forward named '" + forward.name()
                            + "' already exists; to change it in place: natctl forward set " + forward.name()
                            + " --to ... (API: forward.set)");
        }
        checkPutForward(current, forward, force);
    }

    /**
     * For adding or replacing one forward: ports free of other forwards, not sshd's port unless
     * forced.
     */
    public void checkPutForward(NatState current, Forward forward, boolean force) {
        Optional<FieldError> target = targetError(forward, current.forwards().get(forward.name()));
        if (target.isPresent()) {
            throw new ValidationException(List.of(target.get()));
        }
        // Of several clashing forwards, the first by name is reported, so the error is the same
        // whatever order the overlap lookup returns them in.
        Forward holder = null;
        for (Forward other : current.forwardsOverlapping(forward.proto(), forward.listen())) {
            if (!other.name().equals(forward.name())
                    && (holder == null || other.name().compareTo(holder.name()) < 0)) {
                holder = other;
            }
        }
        if (holder != null && current.owner(holder.name()).isEmpty()) {
            throw new ValidationException("listen", ErrorCode.PORT_IN_USE, portInUse(forward, holder));
        }
        for (Cluster cluster : current.clusters().values()) {
            if (forward.proto() == Protocol.TCP && cluster.spec().claims(forward.listen())) {
                throw new ValidationException("listen", ErrorCode.PORT_IN_USE, inClusterRange(forward, cluster));
            }
            if (forward.name().startsWith(cluster.name() + ".")) {
                throw new ValidationException("name", ErrorCode.NAME_TAKEN, clusterPrefix(forward, cluster));
            }
        }
        Optional<FieldError> allow = AllowListCapacity.afterPut(current, forward);
        if (allow.isPresent()) {
            throw new ValidationException(List.of(allow.get()));
        }
        if (!force) {
            Optional<FieldError> ssh = sshPortError(forward, current.forwards().get(forward.name()), sshPorts(current));
            if (ssh.isPresent()) {
                throw new ValidationException(List.of(ssh.get()));
            }
        }
    }

    /**
     * {@code state} with {@code "force": true} on each forward that claims sshd's port without it
     * (forced before forwards kept the flag, or sshd moved to its port since): what a document
     * needs to reproduce the state on another agent.
     */
    public NatState withForceWhereClaimed(NatState state) {
        NatState marked = state;
        for (int port : sshPorts(state)) {
            for (Forward forward : state.forwardsOverlapping(Protocol.TCP, PortRange.single(port))) {
                if (!forward.force()) {
                    marked = marked.withForward(forward.withForce(true));
                }
            }
        }
        return marked;
    }

    public void checkAddOutbound(NatState current, String name) {
        if (current.outbounds().containsKey(name)) {
            throw new ValidationException(
                    "name", ErrorCode.NAME_TAKEN, "an outbound named '" + name + "' already exists");
        }
    }

    /** The forward named {@code name}, for changing, removing or showing it; NOT_FOUND if there is none. */
    public Forward existingForward(NatState current, String name) {
        return current.forward(name)
                .orElseThrow(() -> new ValidationException(
                        "name", ErrorCode.NOT_FOUND, "there is no forward named '" + name + "'"));
    }

    public void checkRemoveOutbound(NatState current, String name) {
        if (!current.outbounds().containsKey(name)) {
            throw new ValidationException("name", ErrorCode.NOT_FOUND, "there is no outbound named '" + name + "'");
        }
    }

    /**
     * One sweep per protocol over forwards sorted by first port: O(N log N), not pairwise. They
     * are sorted as packed primitive keys (protocol, first port, then the name order they come
     * in), which orders them as a stable sort by protocol and port would, without a comparator
     * call per comparison on a state of tens of thousands of forwards.
     */
    private static void portConflicts(NatState state, List<FieldError> errors) {
        List<Forward> byName = new ArrayList<>(state.forwards().values());
        long[] keys = new long[byName.size()];
        for (int i = 0; i < keys.length; i++) {
            Forward forward = byName.get(i);
            keys[i] = (long) forward.proto().ordinal() << 48
                    | (long) forward.listen().first() << 32
                    | i;
        }
        Arrays.sort(keys);
        Forward widest = null;
        for (long key : keys) {
            Forward forward = byName.get((int) key);
            if (widest != null && clash(forward, widest)) {
                errors.add(new FieldError(
                        key(forward.name()) + ".listen", ErrorCode.PORT_IN_USE, portInUse(forward, widest)));
            }
            if (widest == null
                    || widest.proto() != forward.proto()
                    || forward.listen().last() > widest.listen().last()) {
                widest = forward;
            }
        }
    }

    /**
     * A cluster's whole listen range is its own, whether its nodes hold every port yet or not, and
     * the names NAME.PORT are its nodes' forwards': a poll never finds a port or name taken.
     */
    private static void clusterConflicts(NatState state, List<FieldError> errors) {
        List<Cluster> clusters = List.copyOf(state.clusters().values());
        for (int i = 0; i < clusters.size(); i++) {
            Cluster cluster = clusters.get(i);
            for (int j = 0; j < i; j++) {
                Cluster other = clusters.get(j);
                if (other.spec().claims(cluster.spec().listen())) {
                    errors.add(new FieldError(
                            clusterKey(cluster.name()) + ".listen",
                            ErrorCode.PORT_IN_USE,
                            "listen " + cluster.spec().listen() + " overlaps "
                                    + other.spec().portsText() + " of cluster '" + other.name() + "'"));
                }
                Integer configPort = cluster.spec().configPort();
                if (configPort != null && other.spec().claims(PortRange.single(configPort))) {
                    errors.add(new FieldError(
                            clusterKey(cluster.name()) + ".config_port",
                            ErrorCode.PORT_IN_USE,
                            "config_port " + configPort + " is among "
                                    + other.spec().portsText() + " of cluster '" + other.name() + "'"));
                }
            }
        }
        if (clusters.isEmpty()) {
            return;
        }
        for (Forward forward : state.declaredForwards()) {
            for (Cluster cluster : clusters) {
                if (forward.proto() == Protocol.TCP && cluster.spec().claims(forward.listen())) {
                    errors.add(new FieldError(
                            key(forward.name()) + ".listen", ErrorCode.PORT_IN_USE, inClusterRange(forward, cluster)));
                }
                if (forward.name().startsWith(cluster.name() + ".")) {
                    errors.add(new FieldError(
                            key(forward.name()) + ".name", ErrorCode.NAME_TAKEN, clusterPrefix(forward, cluster)));
                }
            }
        }
    }

    private static String inClusterRange(Forward forward, Cluster cluster) {
        return forward.proto() + " port(s) " + forward.listen() + " overlap "
                + cluster.spec().portsText() + " of cluster '" + cluster.name() + "'";
    }

    private static String clusterPrefix(Forward forward, Cluster cluster) {
        return "forward names starting '" + cluster.name() + ".' are for the nodes of cluster '" + cluster.name()
                + "'; choose another name than '" + forward.name() + "'";
    }

    private static Optional<FieldError> clusterSshError(ClusterSpec spec, Set<Integer> ssh) {
        for (int port : ssh) {
            if (spec.listen().contains(port)) {
                return Optional.of(new FieldError(
                        "listen",
                        ErrorCode.SSH_PORT_FORWARD,
                        "tcp port " + port + " is where this instance's sshd listens; a cluster node could take it"
                                + " and lock you out of SSH; choose a listen range without it"));
            }
        }
        return Optional.empty();
    }

    private static String clusterKey(String name) {
        return "clusters[name=" + name + "]";
    }

    /**
     * The kernel refuses elements beyond a set's size. Ports claimed once each cannot exceed it (it
     * is the whole tcp and udp port space), so this only speaks when ports overlap too, and keeps
     * a state the kernel would refuse from reaching it. Single-forward changes need no count: a
     * port free of other forwards is a port the sets have room for.
     */
    private void capacity(NatState state, List<FieldError> errors) {
        long ports = 0;
        for (Forward forward : state.forwards().values()) {
            ports += forward.listen().last() - forward.listen().first() + 1;
        }
        if (ports > listenPortCapacity) {
            errors.add(new FieldError(
                    "forwards",
                    ErrorCode.CAPACITY_EXCEEDED,
                    "the forwards listen on " + ports + " ports in all; the kernel's sets hold " + listenPortCapacity
                            + " (tcp and udp, ports 1-65535, each claimed by one forward)"));
        }
    }

    private static boolean clash(Forward a, Forward b) {
        return a.proto() == b.proto() && a.listen().overlaps(b.listen());
    }

    private static String portInUse(Forward forward, Forward holder) {
        return forward.proto() + " port(s) " + forward.listen() + " overlap " + holder.listen() + " of forward '"
                + holder.name() + "'";
    }

    private Set<Integer> sshPorts(NatState state) {
        return state.settings().sshPortOverride().isPresent()
                ? Set.of(state.settings().sshPortOverride().getAsInt())
                : sshdPorts.get();
    }

    /**
     * A literal target the kernel cannot carry ({@link Ipv4#whyNotATarget}, the rule DNS answers
     * meet too). Targets the forward already had are not asked about again, so a state stored
     * before the rule loads and applies as it is.
     */
    private static Optional<FieldError> targetError(Forward forward, Forward before) {
        for (Target target : forward.targets()) {
            if (before != null && before.targets().contains(target)) {
                continue;
            }
            Optional<String> why = target.literal().flatMap(Ipv4::whyNotATarget);
            if (why.isPresent()) {
                return Optional.of(new FieldError("to", ErrorCode.INVALID_ADDRESS, why.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * A forward that carries {@code "force": true} is not asked about; nor is an already accepted
     * (earlier forced) claim of the same port.
     */
    private static Optional<FieldError> sshPortError(Forward forward, Forward before, Set<Integer> ssh) {
        if (forward.proto() != Protocol.TCP || forward.force()) {
            return Optional.empty();
        }
        for (int port : ssh) {
            if (forward.listen().contains(port) && !alreadyClaimed(before, port)) {
                return Optional.of(new FieldError(
                        "listen",
                        ErrorCode.SSH_PORT_FORWARD,
                        "tcp port " + port + " is where this instance's sshd listens; forwarding it would lock you out"
                                + " of SSH; repeat with --force (API: \"force\":true) to do it anyway"));
            }
        }
        return Optional.empty();
    }

    private static boolean alreadyClaimed(Forward before, int port) {
        return before != null
                && before.proto() == Protocol.TCP
                && before.listen().contains(port);
    }

    private static String key(String name) {
        return "forwards[name=" + name + "]";
    }
}
