package dev.natagent.agent.reconcile;

import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.ServiceKey;
import java.util.List;

/**
 * The kernel objects nat-agent owns: one table {@code ip nat_agent}, nothing else. For the AWS
 * ElastiCache example (redis 6379-6381 allowed from 198.51.100.27 only, memcached 11211-11213,
 * masquerade return path, outbound PAT of 10.0.0.0/16 out of ens5) {@code nft list table ip
 * nat_agent} prints (the udp twin of each per-protocol rule left out):
 *
 * <pre>
 * table ip nat_agent {
 *     map forwards {                      # listen proto . port -> target address . port
 *         type inet_proto . inet_service : ipv4_addr . inet_service
 *         size 131070
 *         elements = { tcp . 6379 : 10.0.1.230 . 6379, ... }
 *     }
 *     map ports {                         # listen proto . port -> its traffic's verdict, counted per element
 *         type inet_proto . inet_service : verdict
 *         size 131070
 *         counter
 *         elements = { tcp . 6379 counter packets 0 bytes 0 : goto allow_15aa47591f4b4aef, tcp . 11211 counter packets 0 bytes 0 : accept, ... }
 *     }
 *     map snat_ports {                    # listen ports whose replies are SNATed to a fixed address
 *         type inet_proto . inet_service : ipv4_addr
 *         size 131070
 *     }
 *     set plain_ports {                   # listen ports whose replies keep their source (return path none)
 *         type inet_proto . inet_service
 *         size 131070
 *     }
 *     set allow_15aa47591f4b4aef {        # one per distinct allow-list: the sources it admits
 *         type ipv4_addr
 *         flags interval
 *         elements = { 198.51.100.27 }
 *     }
 *     chain prerouting {                  # one DNAT rule for every forward: O(1) per connection
 *         type nat hook prerouting priority dstnat; policy accept;
 *         fib daddr type local dnat ip to meta l4proto . th dport map @forwards comment "nat-agent:dnat"
 *     }
 *     chain traffic {                     # every packet of a DNATed connection, both directions
 *         type filter hook prerouting priority dstnat + 10; policy accept;
 *         ct status dnat meta l4proto tcp meta l4proto . ct original proto-dst vmap @ports comment "nat-agent:traffic:tcp"
 *     }
 *     chain allow_15aa47591f4b4aef {      # goto from ports, for the listen ports with that allow-list
 *         ct direction original ip saddr != @allow_15aa47591f4b4aef drop comment "nat-agent:allow"
 *     }
 *     chain postrouting {
 *         type nat hook postrouting priority srcnat; policy accept;
 *         ct status dnat meta l4proto tcp snat to meta l4proto . ct original proto-dst map @snat_ports comment "nat-agent:return:snat:tcp"
 *         ct status dnat meta l4proto tcp meta l4proto . ct original proto-dst @plain_ports accept comment "nat-agent:return:none:tcp"
 *         ct status dnat meta l4proto tcp meta l4proto . ct original proto-dst @forwards masquerade comment "nat-agent:return:masquerade:tcp"
 *         ip saddr 10.0.0.0/16 oifname "ens5" masquerade comment "nat-agent:outbound:private"
 *     }
 * }
 * </pre>
 *
 * Why this shape: {@code fib daddr type local} makes DNAT act only on traffic addressed to the NAT
 * instance itself, so private hosts reaching some internet host on 6379 through the NAT are never
 * hijacked. Every per-forward fact lives in a set or map element, so adding, removing or
 * retargeting a forward is an element change, never a rule change; a plain forward is two
 * elements, its DNAT mapping and its {@code ports} entry.
 *
 * <p>NAT chains see only the first packet of a connection, so the per-forward counters cannot sit
 * on {@code forwards}: they are per-element counters of {@code ports}, which the {@code traffic}
 * chain looks up for every packet of a connection we DNATed, in both directions, keyed by the
 * connection's original destination (the listen port, which conntrack keeps). The same lookup's
 * verdict sends listen ports with an allow-list to the chain of that list ({@link AllowGroup}: one
 * chain and set per distinct list, named after its content), which checks every packet from the
 * client's side, so removing an address from an allow-list also stops its open connections (the
 * packets it drops have been counted by then). A single-field interval set per list costs a
 * packet less than one set of source range . proto . port for all forwards: the kernel keeps
 * concatenated ranges in its pipapo backend, whose lookup is slower (bench/agent-bench.sh compares
 * new connections/s with hand-written rulesets). The return path is keyed by the listen port too,
 * from conntrack's original tuple. The per-protocol twins exist because nft can type {@code ct
 * original proto-dst} (to print and re-read the rule) only after a {@code meta l4proto} match. A
 * forward's counter restarts at zero when it is removed or the table is rebuilt: an entry whose
 * verdict changes (its allow-list appears, goes or changes) is replaced by one that starts from the
 * old one's counts. Names avoid nft keywords ({@code fwd}, {@code snat}, {@code masquerade} are
 * reserved).
 *
 * <p>Sizes: a set declared with a size gets the kernel's fixed-bucket hash backend instead of the
 * resizing rhashtable, which takes a large batch in less kernel time (bench/agent-bench.sh --cold
 * --baseline DIR compares the kernel's share of an apply between two builds); the size is
 * also a hard cap (the kernel refuses more elements with ENFILE). Every sized set here is keyed by
 * listen keys, of which there are {@value #LISTEN_KEYS} (tcp and udp times ports 1-65535, each
 * claimed by one forward). The allow-list sets stay unsized; their number and their ranges in all are
 * bounded by the validator (its AllowListCapacity says why and how far).
 * Chains and sets of allow-lists come and go with the lists in use; a table of any other shape (an
 * older agent's layout, other sizes) is replaced in one transaction (see {@link Planner}).
 */
public final class KernelLayout {
    public static final String TABLE = "nat_agent";
    public static final String CHAIN_PREROUTING = "prerouting";
    public static final String CHAIN_TRAFFIC = "traffic";
    public static final String CHAIN_POSTROUTING = "postrouting";
    public static final String SET_FORWARDS = "forwards";
    public static final String SET_PORTS = "ports";
    /** Names of the chain and set of an {@link AllowGroup} start with this (no fixed object's does). */
    public static final String ALLOW_PREFIX = "allow_";

    public static final String SET_SNAT_PORTS = "snat_ports";
    public static final String SET_PLAIN_PORTS = "plain_ports";

    /** After DNAT (so the first packet is seen DNATed) and before the filter hooks of other tables. */
    public static final int PRIORITY_TRAFFIC = Chain.PRIORITY_DSTNAT + 10;
    /** Priority of our prerouting nat chain (doctor compares other owners' nat chains with it). */
    public static final int PRIORITY_DNAT = Chain.PRIORITY_DSTNAT;

    /** Rule comments: they tag our rules, so a listing tells ours from foreign ones exactly. */
    public static final String COMMENT_PREFIX = "nat-agent:";

    public static final String COMMENT_DNAT = COMMENT_PREFIX + "dnat";
    /** The per-protocol rules' comments end in {@code :tcp} or {@code :udp}. */
    public static final String COMMENT_TRAFFIC = COMMENT_PREFIX + "traffic:";

    public static final String COMMENT_ALLOW = COMMENT_PREFIX + "allow";
    public static final String COMMENT_RETURN_SNAT = COMMENT_PREFIX + "return:snat:";
    public static final String COMMENT_RETURN_NONE = COMMENT_PREFIX + "return:none:";
    public static final String COMMENT_RETURN_MASQUERADE = COMMENT_PREFIX + "return:masquerade:";
    public static final String COMMENT_OUTBOUND = COMMENT_PREFIX + "outbound:";

    /**
     * Keys the listen side can have: tcp and udp, ports 1-65535. The size of every set keyed by a
     * listen port or fed one entry per listen port.
     */
    public static final int LISTEN_KEYS = Protocol.LISTEN_KEYS;

    /** nft datatype id of inet_proto (the others are in {@link NftSet}). */
    public static final int TYPE_INET_PROTO = 12;

    private static final int PROTO_PORT = NftSet.concatType(TYPE_INET_PROTO, NftSet.TYPE_INET_SERVICE);
    private static final int ADDR_PORT = NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE);
    private static final List<Integer> PROTO_PORT_FIELDS = List.of(1, 2);

    private KernelLayout() {}

    public static List<Chain> chains() {
        return List.of(
                Chain.base(TABLE, CHAIN_PREROUTING, "nat", Chain.Hook.PREROUTING, PRIORITY_DNAT),
                Chain.base(TABLE, CHAIN_TRAFFIC, "filter", Chain.Hook.PREROUTING, PRIORITY_TRAFFIC),
                Chain.base(TABLE, CHAIN_POSTROUTING, "nat", Chain.Hook.POSTROUTING, Chain.PRIORITY_SRCNAT));
    }

    /** The fixed sets in creation order; ids name them within the creating batch. */
    public static List<NftSet> sets() {
        return List.of(
                NftSet.map(TABLE, SET_FORWARDS, PROTO_PORT, 8, ADDR_PORT, 8, 1)
                        .withConcatFields(PROTO_PORT_FIELDS)
                        .withSize(LISTEN_KEYS),
                NftSet.map(TABLE, SET_PORTS, PROTO_PORT, 8, NftSet.TYPE_VERDICT, 0, 2)
                        .withConcatFields(PROTO_PORT_FIELDS)
                        .withSize(LISTEN_KEYS)
                        .withCounter(),
                NftSet.map(TABLE, SET_SNAT_PORTS, PROTO_PORT, 8, NftSet.TYPE_IPV4_ADDR, 4, 3)
                        .withConcatFields(PROTO_PORT_FIELDS)
                        .withSize(LISTEN_KEYS),
                NftSet.set(TABLE, SET_PLAIN_PORTS, 0, PROTO_PORT, 8, 4)
                        .withConcatFields(PROTO_PORT_FIELDS)
                        .withSize(LISTEN_KEYS));
    }

    /** Whether {@code name} is that of an allow-list's chain or set. */
    public static boolean isAllowGroup(String name) {
        return name.startsWith(ALLOW_PREFIX);
    }

    /** The chain of allow-list {@code name}: a regular chain, entered by goto from {@code ports}. */
    public static Chain allowChain(String name) {
        return Chain.regular(TABLE, name);
    }

    /** The set of allow-list {@code name}: source address intervals, {@code id} naming it in its batch. */
    public static NftSet allowSet(String name, int id) {
        return NftSet.set(TABLE, name, NftSet.F_INTERVAL, NftSet.TYPE_IPV4_ADDR, 4, id);
    }

    /** IPPROTO_* number of a protocol: the value of {@code meta l4proto}. */
    public static int protocolNumber(Protocol protocol) {
        return switch (protocol) {
            case TCP -> 6;
            case UDP -> 17;
        };
    }

    /** Key of {@code meta l4proto . th dport}: the listen key of a forward's port. */
    public static Bytes protoPort(Protocol protocol, int port) {
        return ServiceKey.protoService(protocolNumber(protocol), port);
    }

    /**
     * A dense number for each listen key, 0 to {@link #LISTEN_KEYS} - 1, for tables indexed by key;
     * -1 for a key that is no listen key of ours.
     */
    public static int listenIndex(Bytes protoPort) {
        int number = ServiceKey.protocol(protoPort);
        int port = ServiceKey.service(protoPort);
        for (Protocol protocol : Protocol.values()) {
            if (protocolNumber(protocol) == number && port >= PortRange.MIN) {
                return listenIndex(protocol, port);
            }
        }
        return -1;
    }

    public static int listenIndex(Protocol protocol, int port) {
        return protocol.ordinal() * PortRange.MAX + port - PortRange.MIN;
    }
}
