package dev.natagent.agent.reconcile;

import dev.natagent.nft.Chain;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.Table;
import java.util.List;
import java.util.Map;

/**
 * One table as the kernel listed it (the generation is the {@link Listing}'s): chains, sets, each
 * set's elements (with per-element counter values) and rules with their handles, in kernel order.
 */
public record TableListing(
        Table table, List<Chain> chains, List<NftSet> sets, Map<String, List<SetElement>> elements, List<Rule> rules) {
    public TableListing {
        chains = List.copyOf(chains);
        sets = List.copyOf(sets);
        elements = Map.copyOf(elements);
        rules = List.copyOf(rules);
    }
}
