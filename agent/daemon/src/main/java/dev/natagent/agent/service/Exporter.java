package dev.natagent.agent.service;

import dev.natagent.agent.api.Document;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Ipv4Range;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.protocol.ExportFormat;
import dev.natagent.agent.reconcile.AllowGroup;
import dev.natagent.agent.reconcile.AllowGroups;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.KernelLayout;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The export op: the desired state as JSON (what apply takes), as an {@code nft -f} script of the
 * same table, or as {@code iptables-restore} input for hosts that still run iptables. The kernel
 * forms start with a header saying what they are for, the DNS names they froze at their current
 * addresses and the listen ports they leave out (a target whose name has not resolved gets no DNAT
 * mapping, as in the kernel), and name each forward. Both load again without error or a rule twice.
 */
final class Exporter {
    /** The sets' sizes as the agent declares them (KernelLayout), so the script is the same ruleset. */
    private static final String SIZE = "\t\tsize " + KernelLayout.LISTEN_KEYS + "\n";

    private Exporter() {}

    /** The export, written when the response is (see {@link Document}). */
    static Document export(NatState state, Desired desired, ExportFormat format) {
        return switch (format) {
            case JSON -> Document.json("json", state::write);
            case NFT -> Document.text("nft", out -> nftScript(state, desired, out));
            case IPTABLES -> Document.text("iptables", out -> iptablesRestore(state, desired, out));
        };
    }

    /** One entry per listen port whose target has an address. */
    private record PortMapping(Forward forward, int port, Ipv4 address, Target target) {}

    private static List<PortMapping> mappings(NatState state, Desired desired) {
        List<PortMapping> out = new ArrayList<>();
        for (Forward forward : state.forwards().values()) {
            for (int port = forward.listen().first(); port <= forward.listen().last(); port++) {
                Target target = forward.targetFor(port);
                Optional<Ipv4> address = desired.addressOf(target);
                if (address.isPresent()) {
                    out.add(new PortMapping(forward, port, address.get(), target));
                }
            }
        }
        return out;
    }

    /**
     * What the kernel forms start with: what they are for and how to load them, the DNS names they
     * froze, the listen ports they leave out and why, and one line per forward.
     */
    private static void header(Writer out, NatState state, Desired desired, List<String> purpose) throws IOException {
        for (String line : purpose) {
            out.append("# ").append(line).append('\n');
        }
        Map<String, Ipv4> frozen = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        for (Forward forward : state.forwards().values()) {
            for (int port = forward.listen().first(); port <= forward.listen().last(); port++) {
                Target target = forward.targetFor(port);
                Optional<Ipv4> address = desired.addressOf(target);
                if (address.isEmpty()) {
                    missing.add("forward " + forward.name() + ", " + forward.proto() + " port " + port + " -> " + target
                            + ": " + target.host() + " has no usable address (the name has not resolved to one)");
                } else if (target.isDnsName()) {
                    frozen.put(target.host(), address.get());
                }
            }
        }
        if (!frozen.isEmpty()) {
            out.append("#\n# DNS names are frozen at the addresses they had at export; the agent follows them, this\n")
                    .append("# file does not (export again after a cache node moves):\n");
            for (var entry : frozen.entrySet()) {
                out.append("#   ")
                        .append(entry.getKey())
                        .append(" -> ")
                        .append(entry.getValue().toString())
                        .append('\n');
            }
        }
        if (!missing.isEmpty()) {
            out.append(
                    "#\n# Missing: these listen ports get no DNAT here (the agent adds them once the name resolves):\n");
            for (String line : missing) {
                out.append("#   ").append(line).append('\n');
            }
        }
        out.append("#\n# Forwards (" + state.forwards().size() + "):\n");
        for (Forward forward : state.forwards().values()) {
            out.append("#   ").append(describe(forward)).append('\n');
        }
        out.append("# Outbounds (" + state.outbounds().size() + "):\n");
        for (Outbound outbound : state.outbounds().values()) {
            out.append("#   outbound ")
                    .append(outbound.name())
                    .append(": source ")
                    .append(join(outbound.sources()))
                    .append(" out ")
                    .append(outbound.outInterface())
                    .append('\n');
        }
        out.append('\n');
    }

    /** One forward as its comment line: {@code redis: tcp 6379-6381 -> ...; allow ...; snat ...}. */
    private static String describe(Forward forward) {
        return forward.name() + ": " + forward.proto() + " " + forward.listen() + " -> " + join(forward.targets())
                + "; allow " + (forward.allow().isEmpty() ? "any" : join(forward.allow())) + "; snat "
                + forward.returnPath() + (forward.force() ? "; force" : "");
    }

    private static String join(List<?> values) {
        StringJoiner joined = new StringJoiner(",");
        values.forEach(value -> joined.add(value.toString()));
        return joined.toString();
    }

    static void nftScript(NatState state, Desired desired, Writer out) throws IOException {
        List<PortMapping> mappings = mappings(state, desired);
        header(
                out,
                state,
                desired,
                List.of(
                        "nat-agent export (nft): the NAT rules of this agent's state as table ip nat_agent, for",
                        "a host where no nat-agent runs (an agent keeps this table itself and undoes changes to it).",
                        "Load with: nft -f FILE. It replaces the whole table, so loading it again is safe."));
        out.append("table ip nat_agent\n");
        out.append("delete table ip nat_agent\n");
        out.append("table ip nat_agent {\n");
        out.append("\tmap forwards {\n\t\ttype inet_proto . inet_service : ipv4_addr . inet_service\n")
                .append(SIZE);
        elements(
                out,
                mappings.stream()
                        .map(m -> new Element(
                                m.forward().name(),
                                listenKey(m) + " : " + m.address() + " . "
                                        + m.target().port())));
        out.append("\t}\n");
        out.append("\tmap ports {\n\t\ttype inet_proto . inet_service : verdict\n")
                .append(SIZE)
                .append("\t\tcounter\n");
        AllowGroups groups = new AllowGroups();
        // The groups are met here, as the elements are written, and declared further down.
        elements(out, state.forwards().values().stream().flatMap(forward -> {
            String verdict = forward.allow().isEmpty()
                    ? "accept"
                    : "goto " + groups.of(forward.allow()).name();
            return IntStream.rangeClosed(
                            forward.listen().first(), forward.listen().last())
                    .mapToObj(port -> new Element(forward.name(), forward.proto() + " . " + port + " : " + verdict));
        }));
        out.append("\t}\n");
        out.append("\tmap snat_ports {\n\t\ttype inet_proto . inet_service : ipv4_addr\n")
                .append(SIZE);
        elements(
                out,
                mappings.stream()
                        .filter(m -> m.forward().returnPath().kind() == ReturnPath.Kind.SNAT)
                        .map(m -> new Element(
                                m.forward().name(),
                                listenKey(m) + " : " + m.forward().returnPath().snatAddress())));
        out.append("\t}\n");
        out.append("\tset plain_ports {\n\t\ttype inet_proto . inet_service\n").append(SIZE);
        elements(
                out,
                mappings.stream()
                        .filter(m -> m.forward().returnPath().kind() == ReturnPath.Kind.NONE)
                        .map(m -> new Element(m.forward().name(), listenKey(m))));
        out.append("\t}\n");
        for (AllowGroup group : groups.met()) {
            out.append("\tset ").append(group.name()).append(" {\n\t\ttype ipv4_addr\n\t\tflags interval\n");
            elements(out, group.ranges().stream().map(range -> new Element(null, interval(range))));
            out.append("\t}\n");
        }
        out.append("\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
        out.append("\t\tfib daddr type local dnat ip to meta l4proto . th dport map @forwards"
                + " comment \"nat-agent:dnat\"\n\t}\n");
        out.append("\tchain traffic {\n\t\ttype filter hook prerouting priority dstnat + 10; policy accept;\n");
        for (Protocol protocol : Protocol.values()) {
            rule(out, "ct status dnat " + originalListenKey(protocol) + " vmap @ports", "traffic:" + protocol);
        }
        out.append("\t}\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        for (Protocol protocol : Protocol.values()) {
            String dnated = "ct status dnat " + originalListenKey(protocol);
            rule(
                    out,
                    "ct status dnat meta l4proto " + protocol
                            + " snat to meta l4proto . ct original proto-dst map @snat_ports",
                    "return:snat:" + protocol);
            rule(out, dnated + " @plain_ports accept", "return:none:" + protocol);
            rule(out, dnated + " @forwards masquerade", "return:masquerade:" + protocol);
        }
        for (Outbound outbound : state.outbounds().values()) {
            for (Cidr source : Cidr.merge(outbound.sources())) {
                out.append("\t\tip saddr ")
                        .append(String.valueOf(source))
                        .append(" oifname \"")
                        .append(outbound.outInterface())
                        .append("\" masquerade comment \"nat-agent:outbound:")
                        .append(outbound.name())
                        .append("\"\n");
            }
        }
        out.append("\t}\n");
        for (AllowGroup group : groups.met()) {
            out.append("\tchain ").append(group.name()).append(" {\n");
            rule(out, "ct direction original ip saddr != @" + group.name() + " drop", "allow");
            out.append("\t}\n");
        }
        out.append("}\n");
    }

    /** An interval element as nft writes it: a CIDR when the range is one, else first-last. */
    private static String interval(Ipv4Range range) {
        List<Cidr> blocks = range.toCidrs();
        return blocks.size() == 1 ? blocks.get(0).toString() : range.toString();
    }

    /** One rule line of the script, tagged with our comment as the agent's rules are. */
    private static void rule(Writer out, String rule, String comment) throws IOException {
        out.append("\t\t")
                .append(rule)
                .append(" comment \"nat-agent:")
                .append(comment)
                .append("\"\n");
    }

    private static String listenKey(PortMapping m) {
        return m.forward().proto() + " . " + m.port();
    }

    /** nft types {@code ct original proto-dst} only after a protocol match, hence the first one. */
    private static String originalListenKey(Protocol protocol) {
        return "meta l4proto " + protocol + " meta l4proto . ct original proto-dst";
    }

    /** One element of a set or map; {@code forward} names the forward it belongs to, if one. */
    private record Element(String forward, String text) {}

    /**
     * The elements, each forward's preceded by a comment line with its name. They are made one at
     * a time as they are written (at 50,000 forwards a list of them would be megabytes).
     */
    private static void elements(Writer out, Stream<Element> elements) throws IOException {
        Iterator<Element> each = elements.iterator();
        if (!each.hasNext()) {
            return;
        }
        out.append("\t\telements = {\n");
        String commented = null;
        while (each.hasNext()) {
            Element element = each.next();
            if (element.forward() != null && !element.forward().equals(commented)) {
                out.append("\t\t\t# forward ").append(element.forward()).append('\n');
                commented = element.forward();
            }
            out.append("\t\t\t").append(element.text()).append(each.hasNext() ? ",\n" : "\n");
        }
        out.append("\t\t}\n");
    }

    /** A jump from a built-in chain into one of the export's chains. */
    private record Hook(String table, String builtin, String chain) {
        /** The iptables command that checks (-C), adds (-A) or deletes (-D) this jump. */
        String command(String action) {
            return "iptables -t " + table + " " + action + " " + builtin + " -j " + chain;
        }
    }

    private static final List<Hook> HOOKS = List.of(
            new Hook("mangle", "PREROUTING", "NAT_AGENT_ALLOW"),
            new Hook("nat", "PREROUTING", "NAT_AGENT_DNAT"),
            new Hook("nat", "POSTROUTING", "NAT_AGENT_SNAT"));

    /**
     * iptables-restore input: its own chains declared, which under {@code --noflush} creates them
     * or empties them, then their rules, each tagged with its forward's name. The jumps into them
     * from the built-in chains are not in it: a fixed iptables-restore input changes a built-in
     * chain's rule count by the same amount at every load (it has no way to add a rule only when
     * it is missing), so it cannot add a jump at the first load and none at the second. The header
     * gives the commands that add each jump only when it is missing.
     */
    static void iptablesRestore(NatState state, Desired desired, Writer out) throws IOException {
        List<PortMapping> mappings = mappings(state, desired);
        List<String> purpose = new ArrayList<>(List.of(
                "nat-agent export (iptables): the NAT rules of this agent's state as iptables-restore input",
                "(mangle and nat tables), for a host where no nat-agent runs and iptables is used instead.",
                "It declares its own chains NAT_AGENT_ALLOW, NAT_AGENT_DNAT and NAT_AGENT_SNAT: a load creates",
                "them, or empties and refills them, and leaves every other rule as it is (--noflush).",
                "iptables-restore cannot add a rule only when it is missing, so the jumps into these chains",
                "are not in this file; the commands after it add each one only when it is missing.",
                "Load with (as root; running them all again changes nothing):",
                "  iptables-restore --noflush < FILE"));
        for (Hook hook : HOOKS) {
            purpose.add("  " + hook.command("-C") + " 2>/dev/null || " + hook.command("-A"));
        }
        purpose.add("Without --noflush, iptables-restore would first empty the whole mangle and nat tables.");
        purpose.add("To remove everything:");
        for (Hook hook : HOOKS) {
            purpose.add("  " + hook.command("-D") + "; iptables -t " + hook.table() + " -F " + hook.chain()
                    + "; iptables -t " + hook.table() + " -X " + hook.chain());
        }
        header(out, state, desired, purpose);
        out.append("*mangle\n:NAT_AGENT_ALLOW - [0:0]\n");
        String commented = null;
        for (PortMapping m : mappings) {
            if (m.forward().allow().isEmpty()) {
                continue;
            }
            commented = forwardComment(out, m.forward(), commented);
            // Replies are spared, as in the nft form: a reply may carry a guarded port as its destination.
            String match = "-p " + m.forward().proto()
                    + " -m conntrack --ctdir ORIGINAL -m addrtype --dst-type LOCAL --dport " + m.port();
            for (Cidr cidr : Cidr.merge(m.forward().allow())) {
                out.append("-A NAT_AGENT_ALLOW ")
                        .append(match)
                        .append(" -s ")
                        .append(String.valueOf(cidr))
                        .append(tag(m.forward()))
                        .append(" -j RETURN\n");
            }
            out.append("-A NAT_AGENT_ALLOW ")
                    .append(match)
                    .append(tag(m.forward()))
                    .append(" -j DROP\n");
        }
        out.append("COMMIT\n");
        out.append("*nat\n:NAT_AGENT_DNAT - [0:0]\n:NAT_AGENT_SNAT - [0:0]\n");
        commented = null;
        for (PortMapping m : mappings) {
            commented = forwardComment(out, m.forward(), commented);
            out.append("-A NAT_AGENT_DNAT -p ")
                    .append(String.valueOf(m.forward().proto()))
                    .append(" -m addrtype --dst-type LOCAL --dport ")
                    .append(String.valueOf(m.port()))
                    .append(tag(m.forward()))
                    .append(" -j DNAT --to-destination ")
                    .append(String.valueOf(m.address()))
                    .append(':')
                    .append(String.valueOf(m.target().port()))
                    .append('\n');
            // By the connection's original (listen) port, as in the nft form: forwards to one target
            // may each have their own return path.
            ReturnPath path = m.forward().returnPath();
            out.append("-A NAT_AGENT_SNAT -p ")
                    .append(String.valueOf(m.forward().proto()))
                    .append(" -m conntrack --ctstate DNAT --ctorigdstport ")
                    .append(String.valueOf(m.port()))
                    .append(tag(m.forward()))
                    .append(
                            switch (path.kind()) {
                                case SNAT -> " -j SNAT --to-source " + path.snatAddress();
                                case MASQUERADE -> " -j MASQUERADE";
                                case NONE -> " -j RETURN";
                            })
                    .append('\n');
        }
        for (Outbound outbound : state.outbounds().values()) {
            out.append("# outbound ").append(outbound.name()).append('\n');
            for (Cidr source : Cidr.merge(outbound.sources())) {
                out.append("-A NAT_AGENT_SNAT -s ")
                        .append(String.valueOf(source))
                        .append(" -o ")
                        .append(iptablesInterface(outbound.outInterface()))
                        .append(" -m comment --comment \"nat-agent:outbound:")
                        .append(outbound.name())
                        .append("\" -j MASQUERADE\n");
            }
        }
        out.append("COMMIT\n");
    }

    /** A comment line naming {@code forward} before its first rule; returns the forward commented last. */
    private static String forwardComment(Writer out, Forward forward, String commented) throws IOException {
        if (!forward.name().equals(commented)) {
            out.append("# forward ").append(forward.name()).append('\n');
        }
        return forward.name();
    }

    /** The comment match that names a rule's forward in iptables -S. */
    private static String tag(Forward forward) {
        return " -m comment --comment \"nat-agent:forward:" + forward.name() + "\"";
    }

    /** iptables writes the prefix wildcard {@code ens*} as {@code ens+}. */
    static String iptablesInterface(String name) {
        return name.endsWith("*") ? name.substring(0, name.length() - 1) + "+" : name;
    }
}
