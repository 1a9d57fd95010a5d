package dev.natagent.agent.reconcile;

import dev.natagent.agent.model.Protocol;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftSet;
import java.util.List;

/**
 * The kernel objects nat-agent owns: one table {@code ip nat_agent}, nothing else. For the AWS
 * ElastiCache example (redis 6379-6381 allowed from 198.51.100.27 only, memcached 11211-11213,
 * masquerade return path, outbound PAT of 10.0.0.0/16 out of ens5) {@code nft list table ip
 * nat_agent} prints:
 *
 * <pre>
 * table ip nat_agent {
 *     map forwards {                      # listen proto . port -> target address . port, counted per element
 *         type inet_proto . inet_service : ipv4_addr . inet_service
 *         size 131070
 *         counter
 *         elements = { tcp . 6379 counter packets 0 bytes 0 : 10.0.1.230 . 6379, ... }
 *     }
 *     set guarded {                       # listen ports that have an allow-list
 *         type inet_proto . inet_service
 *         size 131070
 *         elements = { tcp . 6379, tcp . 6380, tcp . 6381 }
 *     }
 *     set allowed {                       # source range . proto . listen port admitted
 *         type ipv4_addr . inet_proto . inet_service
 *         flags interval
 *         elements = { 198.51.100.27 . tcp . 6379, ... }
 *     }
 *     set masq_targets {                  # DNAT targets whose replies are masqueraded
 *         type ipv4_addr . inet_proto . inet_service
 *         size 131070
 *         elements = { 10.0.1.230 . tcp . 6379, ... }
 *     }
 *     map snat_targets {                  # DNAT targets whose replies are SNATed to a fixed address
 *         type ipv4_addr . inet_proto . inet_service : ipv4_addr
 *         size 131070
 *     }
 *     chain allowlist {                   # before DNAT: drop guarded ports from sources not allowed
 *         type filter hook prerouting priority mangle; policy accept;
 *         ct direction original fib daddr type local meta l4proto . th dport @guarded ip saddr . meta l4proto . th dport != @allowed drop comment "nat-agent:allowlist"
 *     }
 *     chain prerouting {                  # one DNAT rule for every forward: O(1) per connection
 *         type nat hook prerouting priority dstnat; policy accept;
 *         fib daddr type local dnat ip to meta l4proto . th dport map @forwards comment "nat-agent:dnat"
 *     }
 *     chain postrouting {
 *         type nat hook postrouting priority srcnat; policy accept;
 *         ct status dnat ip daddr . meta l4proto . th dport @masq_targets masquerade comment "nat-agent:return:masquerade"
 *         ct status dnat snat to ip daddr . meta l4proto . th dport map @snat_targets comment "nat-agent:return:snat"
 *         ip saddr 10.0.0.0/16 oifname "ens5" masquerade comment "nat-agent:outbound:private"
 *     }
 * }
 * </pre>
 *
 * Why this shape: {@code fib daddr type local} makes DNAT and the allow-list act only on traffic
 * addressed to the NAT instance itself, so private hosts reaching some internet host on 6379
 * through the NAT are never hijacked. Every per-forward fact lives in a set or map element, so
 * adding, removing or retargeting a forward is an element change, never a rule change. The return
 * path is keyed by the post-DNAT destination, which is all postrouting still sees. Per-forward
 * counters are per-element counters of {@code forwards} (the set's {@code counter}): no extra
 * objects or rules, read back with the element listing; a retargeted element restarts at zero.
 * Names avoid nft keywords ({@code fwd}, {@code snat}, {@code masquerade} are reserved).
 *
 * <p>Sizes: a set declared with a size gets the kernel's fixed-bucket hash backend instead of the
 * resizing rhashtable, which takes a 50,000-element batch in ~20% less kernel time; the size is
 * also a hard cap (the kernel refuses more elements with ENFILE). Every sized set here is bounded
 * by the listen keys, {@value #LISTEN_KEYS} (tcp and udp times ports 1-65535, each claimed by one
 * forward): {@code forwards} and {@code guarded} are keyed by them, and each return-path entry comes
 * from at least one listen key (entries to one target are shared). {@code allowed} stays unsized:
 * it holds listen ports times allow-list ranges, which has no such bound, and its concatenated
 * ranges use the one backend for them (pipapo) whatever the size. A table made by an older agent,
 * without sizes, is adopted as it is (see {@link Planner}).
 */
public final class KernelLayout {
    public static final String TABLE = "nat_agent";
    public static final String CHAIN_ALLOWLIST = "allowlist";
    public static final String CHAIN_PREROUTING = "prerouting";
    public static final String CHAIN_POSTROUTING = "postrouting";
    public static final String SET_FORWARDS = "forwards";
    public static final String SET_GUARDED = "guarded";
    public static final String SET_ALLOWED = "allowed";
    public static final String SET_MASQ_TARGETS = "masq_targets";
    public static final String SET_SNAT_TARGETS = "snat_targets";

    /** Rule comments: they tag our rules, so a listing tells ours from foreign ones exactly. */
    public static final String COMMENT_PREFIX = "nat-agent:";

    public static final String COMMENT_ALLOWLIST = COMMENT_PREFIX + "allowlist";
    public static final String COMMENT_DNAT = COMMENT_PREFIX + "dnat";
    public static final String COMMENT_RETURN_MASQUERADE = COMMENT_PREFIX + "return:masquerade";
    public static final String COMMENT_RETURN_SNAT = COMMENT_PREFIX + "return:snat";
    public static final String COMMENT_OUTBOUND = COMMENT_PREFIX + "outbound:";

    /**
     * Keys the listen side can have: tcp and udp, ports 1-65535. The size of every set keyed by a
     * listen port or fed one entry per listen port.
     */
    public static final int LISTEN_KEYS = 2 * 65_535;

    /** nft datatype id of inet_proto (the others are in {@link NftSet}). */
    public static final int TYPE_INET_PROTO = 12;

    private static final int PROTO_PORT = NftSet.concatType(TYPE_INET_PROTO, NftSet.TYPE_INET_SERVICE);
    private static final int ADDR_PROTO_PORT =
            NftSet.concatType(NftSet.TYPE_IPV4_ADDR, TYPE_INET_PROTO, NftSet.TYPE_INET_SERVICE);
    private static final int ADDR_PORT = NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE);
    private static final List<Integer> PROTO_PORT_FIELDS = List.of(1, 2);
    private static final List<Integer> ADDR_PROTO_PORT_FIELDS = List.of(4, 1, 2);

    private KernelLayout() {}

    public static List<Chain> chains() {
        return List.of(
                Chain.base(TABLE, CHAIN_ALLOWLIST, "filter", Chain.Hook.PREROUTING, Chain.PRIORITY_MANGLE),
                Chain.base(TABLE, CHAIN_PREROUTING, "nat", Chain.Hook.PREROUTING, Chain.PRIORITY_DSTNAT),
                Chain.base(TABLE, CHAIN_POSTROUTING, "nat", Chain.Hook.POSTROUTING, Chain.PRIORITY_SRCNAT));
    }

    /** The sets in creation order; ids name them within the creating batch. */
    public static List<NftSet> sets() {
        return List.of(
                NftSet.map(TABLE, SET_FORWARDS, PROTO_PORT, 8, ADDR_PORT, 8, 1)
                        .withConcatFields(PROTO_PORT_FIELDS)
                        .withSize(LISTEN_KEYS)
                        .withCounter(),
                NftSet.set(TABLE, SET_GUARDED, 0, PROTO_PORT, 8, 2)
                        .withConcatFields(PROTO_PORT_FIELDS)
                        .withSize(LISTEN_KEYS),
                NftSet.set(TABLE, SET_ALLOWED, NftSet.F_INTERVAL, ADDR_PROTO_PORT, 12, 3)
                        .withConcatFields(ADDR_PROTO_PORT_FIELDS),
                NftSet.set(TABLE, SET_MASQ_TARGETS, 0, ADDR_PROTO_PORT, 12, 4)
                        .withConcatFields(ADDR_PROTO_PORT_FIELDS)
                        .withSize(LISTEN_KEYS),
                NftSet.map(TABLE, SET_SNAT_TARGETS, ADDR_PROTO_PORT, 12, NftSet.TYPE_IPV4_ADDR, 4, 5)
                        .withConcatFields(ADDR_PROTO_PORT_FIELDS)
                        .withSize(LISTEN_KEYS));
    }

    /** IPPROTO_* number of a protocol: the value of {@code meta l4proto}. */
    public static int protocolNumber(Protocol protocol) {
        return switch (protocol) {
            case TCP -> 6;
            case UDP -> 17;
        };
    }

    /** Key of {@code meta l4proto . th dport}: proto byte and port, each padded to 4 bytes. */
    public static Bytes protoPort(Protocol protocol, int port) {
        byte[] key = new byte[8];
        key[0] = (byte) protocolNumber(protocol);
        putPort(key, 4, port);
        return Bytes.of(key);
    }

    /** Key of {@code ip addr . meta l4proto . th dport}. */
    public static Bytes addrProtoPort(byte[] address, Protocol protocol, int port) {
        byte[] key = new byte[12];
        System.arraycopy(address, 0, key, 0, 4);
        key[4] = (byte) protocolNumber(protocol);
        putPort(key, 8, port);
        return Bytes.of(key);
    }

    /** Data of {@code ipv4_addr . inet_service}. */
    public static Bytes addrPort(byte[] address, int port) {
        byte[] data = new byte[8];
        System.arraycopy(address, 0, data, 0, 4);
        putPort(data, 4, port);
        return Bytes.of(data);
    }

    // The keys are concatenations laid out as Bytes.concat does (each field zero-padded to 4 bytes),
    // written in place: these run for every element of a 50,000-forward apply.
    private static void putPort(byte[] key, int offset, int port) {
        key[offset] = (byte) (port >>> 8);
        key[offset + 1] = (byte) port;
    }
}
