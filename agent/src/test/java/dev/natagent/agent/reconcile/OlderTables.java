package dev.natagent.agent.reconcile;

import dev.natagent.nft.Batch;
import dev.natagent.nft.NftSet;
import java.util.List;
import java.util.OptionalInt;

/** Tables as other agent versions (or hands) made them: our layout with other set sizes. */
final class OlderTables {
    private OlderTables() {}

    /** The table as {@code desired} renders it, but with every sized set of ours at {@code size}. */
    static Batch withSetSizes(Desired desired, OptionalInt size) {
        Ruleset rendered = Renderer.render(desired);
        List<NftSet> sets = rendered.sets().stream()
                .map(set -> set.size().isEmpty()
                        ? set
                        : new NftSet(
                                set.table(),
                                set.name(),
                                set.flags(),
                                set.keyType(),
                                set.keyLen(),
                                set.dataType(),
                                set.dataLen(),
                                set.concatFieldLens(),
                                set.id(),
                                size,
                                set.counter(),
                                set.userdata(),
                                set.handle()))
                .toList();
        Batch batch = Batch.ipv4();
        Planner.create(batch, new Ruleset(rendered.chains(), sets, rendered.elements(), rendered.rules()));
        return batch;
    }
}
