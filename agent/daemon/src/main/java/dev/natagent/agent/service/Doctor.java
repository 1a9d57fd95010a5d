package dev.natagent.agent.service;

import dev.natagent.agent.ha.PairObserver;
import dev.natagent.agent.ha.PairStatus;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.HaPair;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.protocol.DoctorReport;
import dev.natagent.agent.protocol.Finding;
import dev.natagent.agent.protocol.Finding.Severity;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.Health;
import dev.natagent.agent.protocol.TargetView;
import dev.natagent.agent.reconcile.KernelLayout;
import dev.natagent.agent.sysctl.SysctlStatus;
import dev.natagent.agent.sysctl.Sysctls;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checks for what silently breaks a NAT instance, each read at the call (sysctls, routes, the other
 * owners' nf_tables and legacy iptables rules); changes nothing. One finding per check, or per check
 * and forward for the checks that look at forwards; each says what to do about it. Status reports
 * the same run's verdict ({@link DoctorReport#health()}).
 */
public final class Doctor {
    /** DNAT rules of other owners (iptables-nft, firewalld, hand-written nft), read at each call. */
    public interface ForeignDnat {
        /** Every foreign rule that DNATs (or redirects) traffic arriving at this instance. */
        List<ForeignRule> rules() throws IOException;
    }

    /** The kernel's routing decision for the replies of a forward without SNAT, read at each call. */
    public interface ReplyRoutes {
        /**
         * How the kernel would route a reply from {@code target} to {@code client}: arriving from
         * the target's side, through every policy rule and table, as it would forward it.
         */
        ReplyRoute route(Ipv4 target, Ipv4 client) throws IOException;
    }

    /**
     * @param routed whether the kernel would forward the reply to the client
     * @param detail where it goes ("table 100"), or why it would not ("no route")
     */
    public record ReplyRoute(boolean routed, String detail) {}

    /**
     * One foreign rule that rewrites the destination of the traffic it matches.
     *
     * @param where "table ip nat chain PREROUTING handle 4 (dnat)": enough to find and remove it
     * @param protocol the protocol it matches, empty for any
     * @param ports the destination ports it matches
     * @param priority the priority of the prerouting chain it is reached from: the nat chain that
     *     runs first sets up a connection's NAT and later ones are skipped for it
     */
    public record ForeignRule(String where, Optional<Protocol> protocol, PortSet ports, int priority) {
        private static final int IPPROTO_TCP = 6;
        private static final int IPPROTO_UDP = 17;

        /** The protocol of an IP protocol number, empty for one that is neither tcp nor udp. */
        public static Optional<Protocol> protocolOf(int ipProtocol) {
            return switch (ipProtocol) {
                case IPPROTO_TCP -> Optional.of(Protocol.TCP);
                case IPPROTO_UDP -> Optional.of(Protocol.UDP);
                default -> Optional.empty();
            };
        }

        /**
         * This rule as reached through a jump from {@code via}, which matched {@code viaProtocol}
         * and {@code viaPorts}: empty when no packet can take that path.
         */
        public ForeignRule withPriority(int chainPriority) {
            return new ForeignRule(where, protocol, ports, chainPriority);
        }

        public Optional<ForeignRule> reachedFrom(String via, Optional<Protocol> viaProtocol, PortSet viaPorts) {
            if (viaProtocol.isPresent() && protocol.isPresent() && viaProtocol.get() != protocol.get()) {
                return Optional.empty();
            }
            PortSet both = ports.intersect(viaPorts);
            return both.isEmpty()
                    ? Optional.empty()
                    : Optional.of(
                            new ForeignRule(via + " -> " + where, viaProtocol.or(() -> protocol), both, priority));
        }
    }

    private final Path procRoot;
    private final Sysctls sysctls;
    private final AgentHealth health;
    private final ForeignDnat nftables;
    private final ForeignDnat legacy;
    private final PairObserver pair;
    private final ReplyRoutes replyRoutes;

    /**
     * @param nftables reads the other nf_tables tables
     * @param legacy reads the legacy iptables nat table; called only when it exists
     * @param replyRoutes asks the kernel how it would route replies
     */
    public Doctor(
            Path procRoot,
            Sysctls sysctls,
            AgentHealth health,
            ForeignDnat nftables,
            ForeignDnat legacy,
            ReplyRoutes replyRoutes) {
        this.procRoot = procRoot;
        this.sysctls = sysctls;
        this.health = health;
        this.nftables = nftables;
        this.legacy = legacy;
        this.pair = new PairObserver(procRoot);
        this.replyRoutes = replyRoutes;
    }

    /** Every check, read now: the sysctls, /proc, routes and the other tables as they are at this call. */
    DoctorReport run(NatState state, Views views) {
        List<Finding> findings = new ArrayList<>();
        stateAndTable(views, findings);
        ipForward(findings);
        rpFilter(findings);
        returnRoutes(state, views, findings);
        foreignDnat(state, findings);
        targets(state, views, findings);
        state.settings().pair().ifPresent(ha -> pair(state, ha, findings));
        ClusterFindings.add(state, views, findings);
        return DoctorReport.of(findings);
    }

    /** This node's side of its pair, read now; empty on a single instance. */
    public Optional<PairStatus> pair(NatState state) {
        return state.settings().pair().map(pair::observe);
    }

    /** The role, conntrackd, and forwards whose replies would not follow the floating addresses. */
    private void pair(NatState state, HaPair ha, List<Finding> findings) {
        PairStatus status = pair.observe(ha);
        String floating = join(ha.floatingAddresses());
        switch (status.role()) {
            case "active" -> findings.add(ok("ha_role", "active: this node holds the floating addresses " + floating));
            case "standby" -> findings.add(
                    ok("ha_role", "standby: the peer holds the floating addresses " + floating + " (or nobody does)"));
            case "split" -> findings.add(new Finding(
                    Severity.WARNING,
                    "ha_role",
                    "this node holds " + join(status.held()) + " but not " + join(status.notHeld())
                            + ": keepalived moves them together, so this lasts only while they move",
                    "if it persists, make keepalived's virtual_ipaddress list and settings.ha.floating_addresses"
                            + " name the same addresses"));
            default -> findings.add(new Finding(
                    Severity.WARNING,
                    "ha_role",
                    "the role is unknown: " + status.detail(),
                    "run 'ip -4 addr' and look for " + floating));
        }
        String socket = ha.conntrackdSocket();
        switch (status.conntrackd()) {
            case RUNNING -> findings.add(ok(
                    "ha_conntrackd",
                    "conntrackd listens on " + socket + "; whether it is in sync needs root: 'conntrackd -C"
                            + " CONFIG -s' (cache and sync statistics)"));
            case NOT_RUNNING -> findings.add(new Finding(
                    Severity.WARNING,
                    "ha_conntrackd",
                    "nothing listens on conntrackd's socket " + socket + ": open connections are not replicated,"
                            + " so a failover resets those whose server speaks first",
                    "start conntrackd with the pair's configuration (systemctl enable --now conntrackd, reading"
                            + " /etc/conntrackd/conntrackd.conf), and check that its UNIX Path is"
                            + " settings.ha.conntrackd_socket"));
            case UNKNOWN -> findings.add(new Finding(
                    Severity.WARNING,
                    "ha_conntrackd",
                    "whether conntrackd runs cannot be read: " + status.detail(),
                    "run 'conntrackd -C CONFIG -s' as root"));
        }
        boolean allFloat = true;
        for (Forward forward : state.forwards().values()) {
            ReturnPath path = forward.returnPath();
            if (path.kind() == ReturnPath.Kind.MASQUERADE) {
                allFloat = false;
                findings.add(new Finding(
                        Severity.WARNING,
                        "ha_snat",
                        "forward " + forward.name() + " masquerades: its connections' replies come back to the"
                                + " address of the node that opened them, so after a failover the peer cannot"
                                + " carry them, conntrackd or not",
                        "natctl forward set " + forward.name() + " --snat FLOATING (the floating address on the"
                                + " cache side)"));
            } else if (path.kind() == ReturnPath.Kind.SNAT
                    && !ha.floatingAddresses().contains(path.snatAddress())) {
                allFloat = false;
                findings.add(new Finding(
                        Severity.WARNING,
                        "ha_snat",
                        "forward " + forward.name() + " SNATs to " + path.snatAddress() + ", which is not one of"
                                + " the pair's floating addresses " + floating + ": after a failover its"
                                + " connections' replies go to an address the peer does not hold",
                        "natctl forward set " + forward.name() + " --snat FLOATING, or add the address to"
                                + " settings.ha.floating_addresses if keepalived moves it"));
            }
        }
        if (allFloat) {
            findings.add(ok("ha_snat", "no forward masquerades or SNATs to an address that stays behind on failover"));
        }
    }

    private static String join(List<Ipv4> addresses) {
        return String.join(", ", addresses.stream().map(Ipv4::toString).toList());
    }

    private void stateAndTable(Views views, List<Finding> findings) {
        if (health.isFailed()) {
            findings.add(new Finding(
                    Severity.ERROR,
                    Finding.STATE,
                    health.failureMessage(),
                    "restore a good state file (the previous one is kept as state.json.prev) and restart the agent"));
            findings.add(new Finding(
                    Severity.WARNING,
                    "kernel_table",
                    "table ip nat_agent is left exactly as it was: with an untrusted state the agent neither"
                            + " checks nor repairs it",
                    "fix the state (see the state finding); the agent then adopts or repairs the table"));
            return;
        }
        if (!health.filesReplaced().isEmpty()) {
            findings.add(new Finding(
                    Severity.WARNING,
                    "state_files",
                    health.filesReplaced(),
                    "compare the kept .foreign file with `natctl export`; make changes with natctl, never by"
                            + " editing the state files while the agent runs"));
        }
        switch (views.tableWord()) {
            case "in_sync" -> findings.add(ok("kernel_table", "table ip nat_agent matches the desired state"));
            case "missing", "drifted" -> findings.add(new Finding(
                    Severity.ERROR,
                    "kernel_table",
                    "table ip nat_agent is " + views.tableWord() + ": " + views.tableDetail(),
                    "the agent repairs it on the next check; if this persists, look for another process"
                            + " rewriting nftables (e.g. a boot script running 'nft flush ruleset')"));
            default -> findings.add(new Finding(
                    Severity.WARNING,
                    "kernel_table",
                    "the kernel table could not be read" + detail(views.tableDetail()),
                    "check that the agent has CAP_NET_ADMIN"));
        }
    }

    private void ipForward(List<Finding> findings) {
        SysctlStatus status = sysctls.status();
        Optional<Boolean> on = status.ipForward();
        if (on.isEmpty()) {
            findings.add(new Finding(
                    Severity.WARNING,
                    "ip_forward",
                    "net.ipv4.ip_forward could not be read"
                            + status.lastError().map(e -> " (" + e + ")").orElse(""),
                    "check /proc/sys"));
        } else if (!on.get()) {
            findings.add(new Finding(
                    Severity.ERROR,
                    "ip_forward",
                    "net.ipv4.ip_forward is 0: the kernel drops every forwarded packet"
                            + status.lastError()
                                    .map(e -> " (" + e + ")")
                                    .orElse(status.managed() ? " (the agent sets it back to 1 at its next check)" : ""),
                    status.managed()
                            ? "run 'sysctl -w net.ipv4.ip_forward=1' now, and find what turned it off"
                            : "set settings.manage_ip_forward to true, or run 'sysctl -w net.ipv4.ip_forward=1'"));
        } else {
            findings.add(ok("ip_forward", "net.ipv4.ip_forward is 1"));
        }
    }

    /** Strict reverse-path filtering (1) drops DNATed or asymmetric traffic on multi-homed NAT instances. */
    private void rpFilter(List<Finding> findings) {
        Path conf = procRoot.resolve("sys/net/ipv4/conf");
        int all = readInt(conf.resolve("all/rp_filter")).orElse(0);
        List<String> strict = new ArrayList<>();
        // The keys holding 1, which the fix must change.
        List<String> keys = new ArrayList<>();
        if (all == 1) {
            keys.add("net.ipv4.conf.all.rp_filter");
        }
        try (Stream<Path> interfaces = Files.list(conf)) {
            for (Path iface : interfaces.sorted().toList()) {
                String name = iface.getFileName().toString();
                if (name.equals("all") || name.equals("default") || name.equals("lo")) {
                    continue;
                }
                // The kernel uses the larger of conf/all and conf/IFACE.
                int own = readInt(iface.resolve("rp_filter")).orElse(0);
                if (Math.max(all, own) == 1) {
                    strict.add(name);
                    if (own == 1) {
                        keys.add("net.ipv4.conf." + name + ".rp_filter");
                    }
                }
            }
        } catch (IOException e) {
            findings.add(new Finding(Severity.WARNING, "rp_filter", "could not read " + conf, "check /proc/sys"));
            return;
        }
        if (strict.isEmpty()) {
            findings.add(ok("rp_filter", "no interface uses strict reverse-path filtering"));
        } else {
            findings.add(new Finding(
                    Severity.WARNING,
                    "rp_filter",
                    "strict reverse-path filtering (rp_filter=1) on " + String.join(", ", strict),
                    "run 'sysctl -w "
                            + String.join(" ", keys.stream().map(k -> k + "=2").toList())
                            + "' (2 is loose filtering; 0 turns it off) and persist it in /etc/sysctl.d"));
        }
    }

    /**
     * A forward without SNAT needs this instance to forward its targets' replies to its clients:
     * asked of the kernel for each target address and client network, policy rules included.
     */
    private void returnRoutes(NatState state, Views views, List<Finding> findings) {
        for (Forward forward : state.forwards().values()) {
            if (forward.returnPath().kind() != ReturnPath.Kind.NONE) {
                continue;
            }
            List<Cidr> clients = forward.allow().isEmpty() ? List.of(Cidr.parse("0.0.0.0/0")) : forward.allow();
            List<String> unrouted = new ArrayList<>();
            List<String> routed = new ArrayList<>();
            try {
                for (Ipv4 target : views.addresses(forward)) {
                    for (Cidr client : clients) {
                        ReplyRoute route = replyRoutes.route(target, client.network());
                        if (!route.routed()) {
                            unrouted.add(client + " from " + target + ": " + route.detail());
                        } else if (!routed.contains(route.detail())) {
                            routed.add(route.detail());
                        }
                    }
                }
            } catch (IOException e) {
                findings.add(new Finding(
                        Severity.WARNING,
                        "return_route",
                        "forward " + forward.name() + " has snat none, and the kernel could not be asked how it"
                                + " routes the replies (" + e.getMessage() + ")",
                        "run 'ip route get CLIENT from TARGET iif IFACE' for its clients and targets"));
                continue;
            }
            if (unrouted.isEmpty()) {
                findings.add(new Finding(
                        Severity.OK,
                        "return_route",
                        "forward " + forward.name() + " has snat none and the kernel forwards its targets' replies"
                                + " to its clients"
                                + (routed.isEmpty()
                                        ? " (no target has an address yet)"
                                        : " (" + String.join(", ", routed) + ")"),
                        ""));
            } else {
                findings.add(new Finding(
                        Severity.ERROR,
                        "return_route",
                        "forward " + forward.name() + " has snat none, but the kernel would not forward replies to "
                                + String.join("; ", unrouted),
                        "add a route to those clients (in the table the policy rules choose for replies from the"
                                + " targets: 'ip route get CLIENT from TARGET iif IFACE' shows it), or use --snat"
                                + " masquerade"));
            }
        }
    }

    /** Per forward, the foreign rules that take its traffic before (or instead of) ours. */
    private void foreignDnat(NatState state, List<Finding> findings) {
        List<ForeignRule> rules = new ArrayList<>();
        boolean tablesRead = true;
        try {
            rules.addAll(nftables.rules());
        } catch (IOException e) {
            tablesRead = false;
            findings.add(new Finding(
                    Severity.WARNING,
                    "foreign_dnat",
                    "could not list the other nf_tables tables (" + e.getMessage() + "): their DNAT rules are not"
                            + " checked",
                    "run 'nft -a list ruleset' and look for dnat or redirect rules on our ports"));
        }
        boolean legacyRead = legacyIptables(rules, findings);
        boolean conflict = false;
        if (!rules.isEmpty()) {
            for (Forward forward : state.forwards().values()) {
                Optional<Finding> finding = foreignDnat(forward, rules);
                finding.ifPresent(findings::add);
                conflict |= finding.isPresent();
            }
        }
        if (!conflict && tablesRead) {
            findings.add(ok(
                    "foreign_dnat",
                    "no rule DNATs our ports in the other nf_tables tables (ip, inet)"
                            + (legacyRead ? " or the legacy iptables nat table" : "")));
        }
    }

    /**
     * The rules that match {@code forward}'s traffic: an error when one runs before ours or at the
     * same priority (which of the two runs first is then not defined), a warning when all run after
     * ours (they see none of the connections ours DNATs, but would take over without it).
     */
    private static Optional<Finding> foreignDnat(Forward forward, List<ForeignRule> rules) {
        PortSet listen =
                PortSet.range(forward.listen().first(), forward.listen().last());
        List<String> first = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (ForeignRule rule : rules) {
            PortSet shared = rule.ports().intersect(listen);
            if (shared.isEmpty()
                    || !rule.protocol().map(p -> p == forward.proto()).orElse(true)) {
                continue;
            }
            String hit = rule.where() + " matches port " + shared + " (priority " + rule.priority();
            if (rule.priority() > KernelLayout.PRIORITY_DNAT) {
                after.add(hit + ", after ours)");
            } else {
                first.add(hit
                        + (rule.priority() < KernelLayout.PRIORITY_DNAT
                                ? ", before ours)"
                                : ", the same as ours: which runs first is not defined)"));
            }
        }
        if (first.isEmpty() && after.isEmpty()) {
            return Optional.empty();
        }
        List<String> hits = new ArrayList<>(first);
        hits.addAll(after);
        return Optional.of(new Finding(
                first.isEmpty() ? Severity.WARNING : Severity.ERROR,
                "foreign_dnat",
                "forward " + forward.name() + " (" + forward.proto() + " " + forward.listen() + "): "
                        + (first.isEmpty()
                                ? "another owner's rule would rewrite its traffic's destination but runs after ours,"
                                        + " so it sees none of the connections ours DNATs: "
                                : "another owner rewrites its traffic's destination: ")
                        + String.join("; ", hits),
                "remove that rule ('nft -a list ruleset' shows handles, 'iptables-nft -t nat -S' and"
                        + " 'iptables-legacy -t nat -S' the iptables views); the nat chain that runs first decides"
                        + " a connection's destination"));
    }

    /**
     * Adds the legacy nat table's DNAT rules to {@code rules} when that table exists.
     *
     * @return whether the table exists and was read
     */
    private boolean legacyIptables(List<ForeignRule> rules, List<Finding> findings) {
        Path names = procRoot.resolve("net/ip_tables_names");
        String tables;
        try {
            tables = Files.readString(names);
        } catch (NoSuchFileException e) {
            findings.add(ok("legacy_iptables", "legacy iptables (ip_tables) is not in the kernel"));
            return false;
        } catch (IOException e) {
            return legacyNatUnreadable(names, e, findings);
        }
        if (tables.lines().noneMatch("nat"::equals)) {
            findings.add(ok("legacy_iptables", "no legacy iptables nat table exists"));
            return false;
        }
        try {
            List<ForeignRule> legacyRules = legacy.rules();
            rules.addAll(legacyRules);
            findings.add(ok(
                    "legacy_iptables",
                    "the legacy iptables nat table exists and was read: " + legacyRules.size()
                            + " rule(s) from PREROUTING DNAT or redirect (checked under foreign_dnat)"));
            return true;
        } catch (IOException e) {
            findings.add(new Finding(
                    Severity.WARNING,
                    "legacy_iptables",
                    "the legacy iptables nat table exists but could not be read (" + e.getMessage()
                            + "): its DNAT rules are not checked",
                    "run 'iptables-legacy -t nat -S' and look for DNAT rules on our ports"));
            return false;
        }
    }

    /**
     * The list of legacy tables is root's only (0440 in /proc), and asking the kernel for the nat
     * table instead would create it (and may load its module). Without iptable_nat no legacy nat
     * table can exist: when ip_tables is a loadable module, so is iptable_nat (it depends on it),
     * and then /proc/modules, which anyone may read, says whether it is loaded. Otherwise the
     * check is left to a person with root, without counting as a fault: granting the agent a
     * capability that reads every file (CAP_DAC_READ_SEARCH) for it would weaken the unit more.
     *
     * @return false: no rules were read
     */
    private boolean legacyNatUnreadable(Path names, IOException e, List<Finding> findings) {
        List<String> modules = readText(procRoot.resolve("modules"))
                .orElse("")
                .lines()
                .map(line -> line.split(" ", 2)[0])
                .toList();
        if (modules.contains("ip_tables") && !modules.contains("iptable_nat")) {
            findings.add(ok(
                    "legacy_iptables",
                    "legacy iptables (ip_tables) is in the kernel without its nat module (iptable_nat), so it"
                            + " has no nat table"));
        } else {
            findings.add(new Finding(
                    Severity.UNCHECKED,
                    "legacy_iptables",
                    "legacy iptables and its nat module are in the kernel, but whether this network namespace"
                            + " has a legacy nat table cannot be read as the agent's user (" + names + ": "
                            + reason(e) + "; asking the kernel for the table would create it): legacy DNAT rules"
                            + " are not checked",
                    "as root: grep -qx nat " + names + " && iptables-legacy-save -t nat (look for DNAT or"
                            + " REDIRECT on our listen ports; the grep keeps it from creating the table)"));
        }
        return false;
    }

    /**
     * One finding per forward and check, naming every target it concerns; an unreachable one with
     * why its probe failed and how long ago that probe ended.
     */
    private static void targets(NatState state, Views views, List<Finding> findings) {
        Instant now = views.now();
        for (Forward model : state.forwards().values()) {
            ForwardView forward = views.changedForward(model);
            List<String> unresolved = new ArrayList<>();
            List<String> down = new ArrayList<>();
            List<String> stale = new ArrayList<>();
            for (int i = 0; i < forward.targets().size(); i++) {
                TargetView target = forward.targets().get(i);
                if (target.address() == null) {
                    unresolved.add(target.target());
                } else if ("stale".equals(target.dns())) {
                    stale.add(target.target() + " (since " + target.staleSince() + ": " + target.dnsError()
                            + "; keeping " + target.address() + ")");
                } else if (target.health() == Health.DOWN) {
                    Optional<HealthProber.Probe> probe =
                            views.lastProbe(model.targets().get(i));
                    down.add(target.target()
                            + (target.target().startsWith(target.address() + ":") ? "" : " at " + target.address())
                            + probe.map(p -> " (" + p.failure() + "; " + age(p.at(), now) + ")")
                                    .orElse(""));
                }
            }
            if (!unresolved.isEmpty() || !stale.isEmpty()) {
                // One finding for the forward: an error when a target has no address at all.
                List<String> parts = new ArrayList<>();
                if (!unresolved.isEmpty()) {
                    parts.add(String.join(", ", unresolved) + (unresolved.size() == 1 ? " has" : " have")
                            + " never resolved");
                }
                if (!stale.isEmpty()) {
                    parts.add(String.join(", ", stale) + (stale.size() == 1 ? " does" : " do")
                            + " not resolve; the last good address stays in use (stale)");
                }
                findings.add(new Finding(
                        unresolved.isEmpty() ? Severity.WARNING : Severity.ERROR,
                        "target_resolved",
                        "forward " + forward.name() + ": " + String.join("; ", parts),
                        "check the DNS name and the instance's resolver"));
            }
            if (!down.isEmpty()) {
                findings.add(new Finding(
                        Severity.WARNING,
                        "target_reachable",
                        "forward " + forward.name() + ": " + String.join(", ", down)
                                + (down.size() == 1 ? " does" : " do")
                                + " not accept TCP connections from this instance",
                        "check the node, its security group (allow this instance) and the route to it"));
            }
        }
    }

    /** "probed just now", "probed 42 s ago". */
    private static String age(Instant at, Instant now) {
        long seconds = Math.max(0, Duration.between(at, now).toSeconds());
        return seconds == 0 ? "probed just now" : "probed " + seconds + " s ago";
    }

    /** Why a file could not be read, without the exception's class name or the path again. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() == null ? "unreadable" : f.getReason();
        }
        return e.getMessage() == null ? "unreadable" : e.getMessage();
    }

    private static Finding ok(String check, String message) {
        return new Finding(Severity.OK, check, message, "");
    }

    private static String detail(String text) {
        return text.isEmpty() ? "" : ": " + text;
    }

    private static Optional<Integer> readInt(Path file) {
        return readText(file).flatMap(text -> {
            try {
                return Optional.of(Integer.parseInt(text.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private static Optional<String> readText(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
