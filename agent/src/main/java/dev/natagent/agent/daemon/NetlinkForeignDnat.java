package dev.natagent.agent.daemon;

import dev.natagent.agent.reconcile.KernelLayout;
import dev.natagent.agent.service.Doctor;
import dev.natagent.nft.Rule;
import dev.natagent.nft.Table;
import dev.natagent.nft.client.NftClient;
import dev.natagent.nft.expr.Cmp;
import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nft.expr.Payload;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For doctor only: reads (never changes) the other owners' ip tables on a socket of its own and
 * reports DNAT rules that match one of our listen ports with {@code tcp/udp dport == PORT}.
 * Rules that DNAT through maps or ranges are not recognised; the check is a hint, not a proof.
 */
final class NetlinkForeignDnat implements Doctor.ForeignDnat {
    private static final int DPORT_OFFSET = 2;
    private static final int DPORT_LEN = 2;

    @Override
    public List<String> conflicts(Set<Integer> ports) throws IOException {
        List<String> found = new ArrayList<>();
        try (NftClient client = NftClient.openIpv4()) {
            for (Table table : client.listTables()) {
                if (table.name().equals(KernelLayout.TABLE)) {
                    continue;
                }
                for (Rule rule : client.listRules(table.name())) {
                    Integer port = dnatPort(rule.exprs());
                    if (port != null && ports.contains(port)) {
                        found.add("table ip " + table.name() + " chain " + rule.chain() + " handle " + rule.handle()
                                + " DNATs port " + port);
                    }
                }
            }
        }
        return found;
    }

    /** The port of a {@code th dport == P ... dnat} rule, or null. */
    static Integer dnatPort(List<Expr> exprs) {
        Map<Integer, Boolean> dportInRegister = new HashMap<>();
        Integer port = null;
        boolean dnat = false;
        for (Expr expr : exprs) {
            if (expr instanceof Payload p) {
                dportInRegister.put(
                        p.dreg(),
                        p.base() == Payload.BASE_TRANSPORT && p.offset() == DPORT_OFFSET && p.len() == DPORT_LEN);
            } else if (expr instanceof Cmp c
                    && c.op() == Cmp.EQ
                    && dportInRegister.getOrDefault(c.sreg(), false)
                    && c.data().length() == DPORT_LEN) {
                port = ((c.data().get(0) & 0xff) << 8) | (c.data().get(1) & 0xff);
            } else if (expr instanceof Nat n && n.type() == Nat.NFT_NAT_DNAT) {
                dnat = true;
            }
        }
        return dnat ? port : null;
    }
}
