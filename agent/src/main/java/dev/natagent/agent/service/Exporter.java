package dev.natagent.agent.service;

import dev.natagent.agent.api.ExportFormat;
import dev.natagent.agent.api.TextDocument;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Ipv4Range;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.reconcile.AllowGroup;
import dev.natagent.agent.reconcile.AllowGroups;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.KernelLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The export op: the desired state as JSON (what apply takes), as an {@code nft -f} script of the
 * same table, or as {@code iptables-restore} input for hosts that still run iptables. Targets whose
 * DNS name has not resolved yet get no DNAT mapping in the kernel forms, as in the kernel.
 */
final class Exporter {
    /** The sets' sizes as the agent declares them (KernelLayout), so the script is the same ruleset. */
    private static final String SIZE = "\t\tsize " + KernelLayout.LISTEN_KEYS + "\n";

    private Exporter() {}

    static TextDocument export(NatState state, Desired desired, ExportFormat format) {
        return switch (format) {
            case JSON -> new TextDocument("json", ModelJson.write(state));
            case NFT -> new TextDocument("nft", nftScript(state, desired));
            case IPTABLES -> new TextDocument("iptables", iptablesRestore(state, desired));
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

    static String nftScript(NatState state, Desired desired) {
        List<PortMapping> mappings = mappings(state, desired);
        StringBuilder out = new StringBuilder();
        out.append("# nat-agent desired state as an nft script (nft -f). Load it only where no agent runs.\n");
        out.append("table ip nat_agent\n");
        out.append("delete table ip nat_agent\n");
        out.append("table ip nat_agent {\n");
        out.append("\tmap forwards {\n\t\ttype inet_proto . inet_service : ipv4_addr . inet_service\n")
                .append(SIZE);
        elements(
                out,
                mappings.stream()
                        .map(m -> listenKey(m) + " : " + m.address() + " . "
                                + m.target().port())
                        .toList());
        out.append("\t}\n");
        out.append("\tmap ports {\n\t\ttype inet_proto . inet_service : verdict\n")
                .append(SIZE)
                .append("\t\tcounter\n");
        AllowGroups groups = new AllowGroups();
        List<String> ports = new ArrayList<>();
        for (Forward forward : state.forwards().values()) {
            String verdict = forward.allow().isEmpty()
                    ? "accept"
                    : "goto " + groups.of(forward.allow()).name();
            for (int port = forward.listen().first(); port <= forward.listen().last(); port++) {
                ports.add(forward.proto() + " . " + port + " : " + verdict);
            }
        }
        elements(out, ports);
        out.append("\t}\n");
        out.append("\tmap snat_ports {\n\t\ttype inet_proto . inet_service : ipv4_addr\n")
                .append(SIZE);
        elements(
                out,
                mappings.stream()
                        .filter(m -> m.forward().returnPath().kind() == ReturnPath.Kind.SNAT)
                        .map(m ->
                                listenKey(m) + " : " + m.forward().returnPath().snatAddress())
                        .toList());
        out.append("\t}\n");
        out.append("\tset plain_ports {\n\t\ttype inet_proto . inet_service\n").append(SIZE);
        elements(
                out,
                mappings.stream()
                        .filter(m -> m.forward().returnPath().kind() == ReturnPath.Kind.NONE)
                        .map(Exporter::listenKey)
                        .toList());
        out.append("\t}\n");
        for (AllowGroup group : groups.met()) {
            out.append("\tset ").append(group.name()).append(" {\n\t\ttype ipv4_addr\n\t\tflags interval\n");
            elements(out, group.ranges().stream().map(Exporter::interval).toList());
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
                        .append(source)
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
        return out.toString();
    }

    /** An interval element as nft writes it: a CIDR when the range is one, else first-last. */
    private static String interval(Ipv4Range range) {
        List<Cidr> blocks = range.toCidrs();
        return blocks.size() == 1 ? blocks.get(0).toString() : range.toString();
    }

    /** One rule line of the script, tagged with our comment as the agent's rules are. */
    private static void rule(StringBuilder out, String rule, String comment) {
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

    private static void elements(StringBuilder out, List<String> elements) {
        if (elements.isEmpty()) {
            return;
        }
        StringJoiner joined = new StringJoiner(",\n\t\t\t     ", "\t\telements = { ", " }\n");
        elements.forEach(joined::add);
        out.append(joined);
    }

    static String iptablesRestore(NatState state, Desired desired) {
        List<PortMapping> mappings = mappings(state, desired);
        StringBuilder out = new StringBuilder();
        out.append("# nat-agent desired state as iptables-restore input (load once with iptables-restore --noflush)\n");
        out.append("*mangle\n:NAT_AGENT_ALLOW - [0:0]\n-F NAT_AGENT_ALLOW\n");
        for (PortMapping m : mappings) {
            if (m.forward().allow().isEmpty()) {
                continue;
            }
            // Replies are spared, as in the nft form: a reply may carry a guarded port as its destination.
            String match = "-p " + m.forward().proto()
                    + " -m conntrack --ctdir ORIGINAL -m addrtype --dst-type LOCAL --dport " + m.port();
            for (Cidr cidr : Cidr.merge(m.forward().allow())) {
                out.append("-A NAT_AGENT_ALLOW ")
                        .append(match)
                        .append(" -s ")
                        .append(cidr)
                        .append(" -j RETURN\n");
            }
            out.append("-A NAT_AGENT_ALLOW ").append(match).append(" -j DROP\n");
        }
        out.append("-A PREROUTING -j NAT_AGENT_ALLOW\nCOMMIT\n");
        out.append("*nat\n:NAT_AGENT_DNAT - [0:0]\n:NAT_AGENT_SNAT - [0:0]\n-F NAT_AGENT_DNAT\n-F NAT_AGENT_SNAT\n");
        for (PortMapping m : mappings) {
            out.append("-A NAT_AGENT_DNAT -p ")
                    .append(m.forward().proto())
                    .append(" -m addrtype --dst-type LOCAL --dport ")
                    .append(m.port())
                    .append(" -j DNAT --to-destination ")
                    .append(m.address())
                    .append(':')
                    .append(m.target().port())
                    .append('\n');
        }
        for (PortMapping m : mappings) {
            // By the connection's original (listen) port, as in the nft form: forwards to one target
            // may each have their own return path.
            ReturnPath path = m.forward().returnPath();
            out.append("-A NAT_AGENT_SNAT -p ")
                    .append(m.forward().proto())
                    .append(" -m conntrack --ctstate DNAT --ctorigdstport ")
                    .append(m.port())
                    .append(
                            switch (path.kind()) {
                                case SNAT -> " -j SNAT --to-source " + path.snatAddress();
                                case MASQUERADE -> " -j MASQUERADE";
                                case NONE -> " -j RETURN";
                            })
                    .append('\n');
        }
        for (Outbound outbound : state.outbounds().values()) {
            for (Cidr source : Cidr.merge(outbound.sources())) {
                out.append("-A NAT_AGENT_SNAT -s ")
                        .append(source)
                        .append(" -o ")
                        .append(outbound.outInterface())
                        .append(" -j MASQUERADE\n");
            }
        }
        out.append("-A PREROUTING -j NAT_AGENT_DNAT\n-A POSTROUTING -j NAT_AGENT_SNAT\nCOMMIT\n");
        return out.toString();
    }
}
