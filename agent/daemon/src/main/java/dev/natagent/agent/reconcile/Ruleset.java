package dev.natagent.agent.reconcile;

import dev.natagent.nft.Chain;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contents of table {@code ip nat_agent} as a normalised model: what the renderer wants and
 * what a listing holds compare equal exactly when the kernel does what we mean, whatever handles,
 * kernel-filled attributes or element order the listing had (see {@link Normalize}). Chains and
 * sets are in creation order, elements per set name (each element once, in no particular order), rules per chain in order.
 */
public record Ruleset(
        List<Chain> chains, List<NftSet> sets, Map<String, List<SetElement>> elements, Map<String, List<Rule>> rules) {
    public Ruleset {
        chains = List.copyOf(chains);
        sets = List.copyOf(sets);
        Map<String, List<SetElement>> elementCopy = new LinkedHashMap<>();
        elements.forEach((set, members) -> elementCopy.put(set, List.copyOf(members)));
        elements = Collections.unmodifiableMap(elementCopy);
        Map<String, List<Rule>> ruleCopy = new LinkedHashMap<>();
        rules.forEach((chain, list) -> ruleCopy.put(chain, List.copyOf(list)));
        rules = Collections.unmodifiableMap(ruleCopy);
    }

    public List<SetElement> elementsOf(String set) {
        return elements.getOrDefault(set, List.of());
    }

    public List<Rule> rulesOf(String chain) {
        return rules.getOrDefault(chain, List.of());
    }
}
