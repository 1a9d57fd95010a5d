package dev.natagent.agent.service;

import dev.natagent.agent.model.NatState;
import dev.natagent.agent.protocol.ExportFormat;
import dev.natagent.agent.reconcile.Desired;

/** The agent's own nft / iptables-restore export of a state, for the benchmark's side-by-side runs. */
public final class BenchExports {
    private BenchExports() {}

    public static String text(NatState state, ExportFormat format) {
        return Exporter.export(state, Desired.of(state), format).content();
    }
}
