package dev.natagent.agent.reconcile;

import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftData;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.expr.Bitwise;
import dev.natagent.nft.expr.Byteorder;
import dev.natagent.nft.expr.Cmp;
import dev.natagent.nft.expr.Counter;
import dev.natagent.nft.expr.Ct;
import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Fib;
import dev.natagent.nft.expr.Immediate;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Masq;
import dev.natagent.nft.expr.Meta;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nft.expr.Objref;
import dev.natagent.nft.expr.Payload;
import dev.natagent.nft.expr.Range;
import dev.natagent.nft.expr.UnknownExpr;
import dev.natagent.nft.expr.Xt;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a table in an nft-like text: sets with their types and elements (decoded by the set's
 * type: addresses, tcp/udp, ports, address ranges as CIDRs), chains with their hooks, and each rule
 * as its comment plus its expressions in libnftnl's debug notation ({@code nft --debug=netlink}).
 * Deterministic (elements sorted), so tests compare it as text.
 */
final class NftText {
    private static final int TYPE_BITS = 6;

    private NftText() {}

    static String table(
            String name,
            List<Chain> chains,
            List<NftSet> sets,
            Map<String, ? extends Collection<SetElement>> elements,
            List<Rule> rules) {
        StringBuilder out = new StringBuilder("table ip ").append(name).append(" {\n");
        for (NftSet set : sets) {
            out.append('\t')
                    .append(set.isMap() ? "map " : "set ")
                    .append(set.name())
                    .append(" {\n");
            out.append("\t\ttype ")
                    .append(typeName(set.keyType(), set.concatFieldLens().size()));
            if (set.isMap()) {
                out.append(" : ").append(typeName(set.dataType(), 0));
            }
            out.append('\n');
            set.size().ifPresent(size -> out.append("\t\tsize ").append(size).append('\n'));
            if (set.isInterval()) {
                out.append("\t\tflags interval\n");
            }
            if (set.counter()) {
                out.append("\t\tcounter\n");
            }
            List<String> lines = new ArrayList<>();
            Collection<SetElement> members = elements.get(set.name());
            if (members != null) {
                members.forEach(element -> lines.add(element(set, element)));
            }
            if (!lines.isEmpty()) {
                lines.sort(Comparator.naturalOrder());
                out.append("\t\telements = {\n");
                lines.forEach(line -> out.append("\t\t\t").append(line).append('\n'));
                out.append("\t\t}\n");
            }
            out.append("\t}\n");
        }
        for (Chain chain : chains) {
            out.append("\tchain ").append(chain.name()).append(" {\n");
            chain.base().ifPresent(base -> out.append("\t\ttype ")
                    .append(base.type())
                    .append(" hook ")
                    .append(base.hook().name().toLowerCase(Locale.ROOT))
                    .append(" priority ")
                    .append(base.priority())
                    .append("; policy ")
                    .append(base.policy() == Chain.NF_ACCEPT ? "accept" : "drop")
                    .append(";\n"));
            for (Rule rule : rules) {
                if (rule.chain().equals(chain.name())) {
                    out.append("\t\trule")
                            .append(rule.comment()
                                    .map(c -> " comment \"" + c + "\"")
                                    .orElse(""));
                    out.append('\n');
                    for (Expr expr : rule.exprs()) {
                        out.append("\t\t\t[ ").append(expr(expr)).append(" ]\n");
                    }
                }
            }
            out.append("\t}\n");
        }
        return out.append("}\n").toString();
    }

    private static String element(NftSet set, SetElement element) {
        StringBuilder out = new StringBuilder();
        if (element.isCatchAll()) {
            out.append('*');
        } else if (element.keyEnd().isPresent()) {
            out.append(range(set, element.key(), element.keyEnd().get()));
        } else {
            out.append(value(set.keyType(), set.concatFieldLens(), element.key()));
        }
        if (element.isIntervalEnd()) {
            out.append(" (interval end)");
        }
        element.counter().ifPresent(c -> out.append(" counter packets ")
                .append(c.packets())
                .append(" bytes ")
                .append(c.bytes()));
        element.data().ifPresent(data -> {
            out.append(" : ");
            if (data instanceof NftData.Value v) {
                out.append(value(set.dataType(), List.of(), v.bytes()));
            } else {
                out.append(verdict((NftData.Verdict) data));
            }
        });
        return out.toString();
    }

    private static String verdict(NftData.Verdict verdict) {
        return verdict.code().name().toLowerCase(Locale.ROOT)
                + verdict.chain().map(c -> " " + c).orElse("");
    }

    /** A concatenated range whose first field spans addresses and whose other fields are equal. */
    private static String range(NftSet set, Bytes start, Bytes end) {
        List<Integer> types = types(set.keyType(), set.concatFieldLens().size());
        List<Bytes> from = fields(start, set.concatFieldLens());
        List<Bytes> to = fields(end, set.concatFieldLens());
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < from.size(); i++) {
            String a = field(types.get(i), from.get(i));
            parts.add(from.get(i).equals(to.get(i)) ? a : span(types.get(i), from.get(i), to.get(i)));
        }
        return String.join(" . ", parts);
    }

    private static String span(int type, Bytes from, Bytes to) {
        if (type == NftSet.TYPE_IPV4_ADDR) {
            long first = unsigned(from);
            long last = unsigned(to);
            long size = last - first + 1;
            if (Long.bitCount(size) == 1 && first % size == 0) {
                return field(type, from) + "/" + (32 - Long.numberOfTrailingZeros(size));
            }
        }
        return field(type, from) + "-" + field(type, to);
    }

    private static long unsigned(Bytes address) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(address.toArray()).getInt());
    }

    private static String value(int type, List<Integer> fieldLens, Bytes bytes) {
        List<Integer> types = types(type, fieldLens.isEmpty() ? fieldCount(type) : fieldLens.size());
        List<Integer> lens = fieldLens.isEmpty() ? defaultLens(types) : fieldLens;
        List<Bytes> parts = fields(bytes, lens);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            out.add(field(types.get(i), parts.get(i)));
        }
        return String.join(" . ", out);
    }

    private static List<Integer> defaultLens(List<Integer> types) {
        return types.stream()
                .map(t -> t == NftSet.TYPE_IPV4_ADDR ? 4 : t == NftSet.TYPE_INET_SERVICE ? 2 : 1)
                .toList();
    }

    /** Splits a concatenated value into its fields (each padded to 4 bytes). */
    private static List<Bytes> fields(Bytes bytes, List<Integer> lens) {
        return bytes.split(lens).orElse(List.of(bytes));
    }

    private static String field(int type, Bytes bytes) {
        int length = bytes.length();
        if (type == NftSet.TYPE_IPV4_ADDR && length == 4) {
            return bytes.u8At(0) + "." + bytes.u8At(1) + "." + bytes.u8At(2) + "." + bytes.u8At(3);
        }
        if (type == NftSet.TYPE_INET_SERVICE && length == 2) {
            return Integer.toString(bytes.u16BeAt(0));
        }
        if (type == KernelLayout.TYPE_INET_PROTO && length == 1) {
            return switch (bytes.u8At(0)) {
                case 6 -> "tcp";
                case 17 -> "udp";
                default -> Integer.toString(bytes.u8At(0));
            };
        }
        return "0x" + bytes.hex();
    }

    /** How many fields a concatenated type id holds when no field lengths say so. */
    private static int fieldCount(int type) {
        int count = 1;
        for (int rest = type >>> TYPE_BITS; rest != 0; rest >>>= TYPE_BITS) {
            count++;
        }
        return count;
    }

    /** The field types of a (possibly concatenated) nft type id, most significant first. */
    private static List<Integer> types(int type, int count) {
        List<Integer> types = new ArrayList<>();
        int rest = type;
        for (int i = 0; i < Math.max(count, 1); i++) {
            types.add(0, rest & ((1 << TYPE_BITS) - 1));
            rest >>>= TYPE_BITS;
        }
        return types;
    }

    private static String typeName(int type, int fields) {
        if (type == NftSet.TYPE_VERDICT) {
            return "verdict";
        }
        int count = fields > 0 ? fields : fieldCount(type);
        return String.join(
                " . ", types(type, count).stream().map(NftText::typeWord).toList());
    }

    private static String typeWord(int type) {
        return switch (type) {
            case NftSet.TYPE_IPV4_ADDR -> "ipv4_addr";
            case NftSet.TYPE_INET_SERVICE -> "inet_service";
            case KernelLayout.TYPE_INET_PROTO -> "inet_proto";
            default -> "type" + type;
        };
    }

    /** One expression as libnftnl prints it. */
    static String expr(Expr expr) {
        if (expr instanceof Meta m) {
            return "meta load " + metaKey(m.key()) + " => reg " + m.dreg();
        } else if (expr instanceof Payload p) {
            String base =
                    switch (p.base()) {
                        case Payload.BASE_LINK -> "link";
                        case Payload.BASE_NETWORK -> "network";
                        default -> "transport";
                    };
            return "payload load " + p.len() + "b @ " + base + " header + " + p.offset() + " => reg " + p.dreg();
        } else if (expr instanceof Cmp c) {
            String[] ops = {"eq", "neq", "lt", "lte", "gt", "gte"};
            return "cmp " + ops[c.op()] + " reg " + c.sreg() + " 0x" + c.data().hex();
        } else if (expr instanceof Bitwise b) {
            return "bitwise reg " + b.dreg() + " = ( reg " + b.sreg() + " & 0x"
                    + b.mask().hex() + " ) ^ 0x" + b.xor().hex();
        } else if (expr instanceof Immediate i) {
            return "immediate reg " + i.dreg() + " "
                    + (i.data() instanceof NftData.Verdict v
                            ? verdict(v)
                            : "0x" + ((NftData.Value) i.data()).bytes().hex());
        } else if (expr instanceof Lookup l) {
            return "lookup reg " + l.sreg() + " set " + l.set()
                    + (l.dreg().isPresent() ? " dreg " + l.dreg().getAsInt() : "") + (l.invert() ? " 0x1" : "");
        } else if (expr instanceof Nat n) {
            StringBuilder out = new StringBuilder("nat ")
                    .append(n.type() == Nat.NFT_NAT_DNAT ? "dnat" : "snat")
                    .append(" ip");
            n.regAddrMin().ifPresent(r -> out.append(" addr_min reg ").append(r));
            n.regAddrMax().ifPresent(r -> out.append(" addr_max reg ").append(r));
            n.regProtoMin().ifPresent(r -> out.append(" proto_min reg ").append(r));
            n.regProtoMax().ifPresent(r -> out.append(" proto_max reg ").append(r));
            if (n.flags() != 0) {
                out.append(" flags 0x").append(Integer.toHexString(n.flags()));
            }
            return out.toString();
        } else if (expr instanceof Masq) {
            return "masq";
        } else if (expr instanceof Counter c) {
            return "counter pkts " + c.packets() + " bytes " + c.bytes();
        } else if (expr instanceof Ct c) {
            String key =
                    switch (c.key()) {
                        case Ct.NFT_CT_STATE -> "state";
                        case Ct.NFT_CT_STATUS -> "status";
                        case Ct.NFT_CT_MARK -> "mark";
                        case Ct.NFT_CT_DIRECTION -> "direction";
                        case Ct.NFT_CT_PROTO_DST -> "proto_dst";
                        default -> "key" + c.key();
                    };
            return "ct load " + key + " => reg " + c.dreg()
                    + (c.direction().isEmpty()
                            ? ""
                            : c.direction().getAsInt() == 0 ? " , dir original" : " , dir reply");
        } else if (expr instanceof Fib f) {
            return "fib " + ((f.flags() & Fib.F_DADDR) != 0 ? "daddr" : "saddr")
                    + (f.result() == Fib.RESULT_ADDRTYPE ? " type" : " oif") + " => reg " + f.dreg();
        } else if (expr instanceof Byteorder b) {
            return "byteorder reg " + b.dreg() + " = " + (b.op() == Byteorder.HTON ? "hton" : "ntoh") + "(reg "
                    + b.sreg() + ", " + b.size() + ", " + b.len() + ")";
        } else if (expr instanceof Objref o) {
            return "objref type " + o.type() + " name " + o.objectName();
        } else if (expr instanceof Range r) {
            return "range " + (r.op() == Range.EQ ? "eq" : "neq") + " reg " + r.sreg() + " 0x"
                    + r.from().hex() + " 0x" + r.to().hex();
        } else if (expr instanceof Xt x) {
            return x.kind() + " name " + x.module() + " rev " + x.revision() + " 0x"
                    + x.info().hex();
        } else {
            UnknownExpr u = (UnknownExpr) expr;
            return u.name() + " 0x" + u.data().hex();
        }
    }

    private static String metaKey(int key) {
        return switch (key) {
            case Meta.NFT_META_L4PROTO -> "l4proto";
            case Meta.NFT_META_OIFNAME -> "oifname";
            case Meta.NFT_META_IIFNAME -> "iifname";
            case Meta.NFT_META_MARK -> "mark";
            default -> "key" + key;
        };
    }
}
