package dev.natagent.agent.reconcile;

import static dev.natagent.agent.reconcile.KernelLayout.TABLE;

import dev.natagent.nft.Batch;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Computes the one batch that turns a table listing into the rendered {@link Ruleset}, touching
 * only what differs: nothing at all when they match; element adds and deletes per set (a key whose
 * data changed is deleted and re-added in the same batch, as the kernel refuses to overwrite it);
 * foreign rules, chains and sets inside our table deleted by handle or name (so are the chain and
 * set of an allow-list no longer in use); a rule that is missing appended after the rules that
 * still match; the chain and set of an allow-list newly in use created. Should a chain or set of
 * ours have the wrong shape (hook, priority, key type, size...), which the kernel cannot change in
 * place, or should a fixed one be missing (a table of an older agent's layout), the table is
 * deleted and created again in the same batch: one transaction, so no packet meets a half-built
 * table. Batch order is the kernel's: deletes of rules, then elements (which may be the last
 * references to a chain), chains and sets; then new sets and chains, element adds, rule adds.
 */
final class Planner {
    private Planner() {}

    static Plan plan(Optional<TableListing> listing, Ruleset desired) {
        if (listing.isEmpty()) {
            Batch batch = Batch.ipv4();
            create(batch, desired);
            return new Plan(batch, List.of("create table ip " + TABLE));
        }
        TableListing actual = listing.get();
        if (!ourShapesMatch(actual, desired)) {
            Batch batch = Batch.ipv4().delete(Table.of(TABLE));
            create(batch, desired);
            return new Plan(
                    batch, List.of("recreate table ip " + TABLE + " (a chain or set of ours has the wrong shape)"));
        }
        Batch batch = Batch.ipv4();
        List<String> steps = new ArrayList<>();
        Set<String> ourChains = names(desired.chains(), Chain::name);
        Set<String> ourSets = names(desired.sets(), NftSet::name);

        List<Rule> ruleAdds = new ArrayList<>();
        Map<String, List<Rule>> actualRules = actual.rules().stream()
                .collect(Collectors.groupingBy(Rule::chain, LinkedHashMap::new, Collectors.toList()));
        for (Map.Entry<String, List<Rule>> chainRules : actualRules.entrySet()) {
            if (!ourChains.contains(chainRules.getKey())) {
                for (Rule foreign : chainRules.getValue()) {
                    batch.delete(Rule.withHandle(TABLE, foreign.chain(), foreign.handle()));
                }
            }
        }
        for (Chain chain : desired.chains()) {
            planRules(
                    chain.name(),
                    actualRules.getOrDefault(chain.name(), List.of()),
                    desired.rulesOf(chain.name()),
                    batch,
                    ruleAdds,
                    steps);
        }
        List<SetElements> elementAdds = new ArrayList<>();
        for (NftSet set : desired.sets()) {
            ElementDiff diff = ElementDiff.between(
                    actual.elements().getOrDefault(set.name(), List.of()), desired.elementsOf(set.name()));
            if (!diff.deletes().isEmpty()) {
                batch.delete(SetElements.of(TABLE, set.name(), diff.deletes()));
                steps.add("delete " + diff.deletes().size() + " element(s) of " + set.name());
            }
            if (!diff.adds().isEmpty()) {
                elementAdds.add(SetElements.of(TABLE, set.name(), diff.adds()));
                steps.add("add " + diff.adds().size() + " element(s) to " + set.name());
            }
        }
        for (Chain other : actual.chains()) {
            if (!ourChains.contains(other.name())) {
                batch.delete(Chain.regular(TABLE, other.name()));
                steps.add("delete " + otherKind(other.name()) + " chain " + other.name());
            }
        }
        for (NftSet other : actual.sets()) {
            if (!ourSets.contains(other.name())) {
                batch.delete(other);
                steps.add("delete " + otherKind(other.name()) + " set " + other.name());
            }
        }
        Set<String> actualSets = names(actual.sets(), NftSet::name);
        for (NftSet set : desired.sets()) {
            if (!actualSets.contains(set.name())) {
                batch.add(set);
                steps.add("add set " + set.name());
            }
        }
        Set<String> actualChains = names(actual.chains(), Chain::name);
        for (Chain chain : desired.chains()) {
            if (!actualChains.contains(chain.name())) {
                batch.add(chain);
                steps.add("add chain " + chain.name());
            }
        }
        elementAdds.forEach(batch::add);
        ruleAdds.forEach(batch::add);
        return new Plan(batch, steps);
    }

    /** What a chain or set in our table that the ruleset does not hold is. */
    private static String otherKind(String name) {
        return KernelLayout.isAllowGroup(name) ? "unused allow-list" : "foreign";
    }

    /**
     * Keeps the actual rules that match the desired ones in order (a greedy subsequence match),
     * deletes the others by handle and appends the desired rules left over: the kept rules are then
     * exactly a prefix of the desired list, so appending the rest gives the desired order.
     */
    private static void planRules(
            String chain, List<Rule> actual, List<Rule> desired, Batch batch, List<Rule> adds, List<String> steps) {
        int next = 0;
        for (Rule rule : actual) {
            if (next < desired.size() && Normalize.rule(rule).equals(desired.get(next))) {
                next++;
            } else {
                batch.delete(Rule.withHandle(TABLE, chain, rule.handle()));
                steps.add("delete rule " + chain + " handle " + rule.handle()
                        + rule.comment().map(c -> " (" + c + ")").orElse(" (foreign)"));
            }
        }
        for (Rule missing : desired.subList(next, desired.size())) {
            adds.add(missing);
            steps.add("add rule " + chain
                    + missing.comment().map(c -> " (" + c + ")").orElse(""));
        }
    }

    /** Table, chains, sets, elements, rules: each after what it refers to. */
    static void create(Batch batch, Ruleset desired) {
        batch.add(Table.of(TABLE));
        desired.chains().forEach(batch::add);
        desired.sets().forEach(batch::add);
        for (NftSet set : desired.sets()) {
            List<SetElement> elements = desired.elementsOf(set.name());
            if (!elements.isEmpty()) {
                batch.add(SetElements.of(TABLE, set.name(), List.copyOf(elements)));
            }
        }
        desired.rules().values().forEach(rules -> rules.forEach(batch::add));
    }

    /**
     * Whether every chain and set of ours that the table has is of the desired shape, and the fixed
     * ones are all there (an allow-list's may be missing: it is then added).
     */
    private static boolean ourShapesMatch(TableListing actual, Ruleset desired) {
        Map<String, Chain> chains = byName(actual.chains(), Chain::name);
        for (Chain chain : desired.chains()) {
            Chain present = chains.get(chain.name());
            if (present == null
                    ? !KernelLayout.isAllowGroup(chain.name())
                    : !Normalize.chain(present).equals(chain)) {
                return false;
            }
        }
        Map<String, NftSet> sets = byName(actual.sets(), NftSet::name);
        for (NftSet set : desired.sets()) {
            NftSet present = sets.get(set.name());
            if (present == null
                    ? !KernelLayout.isAllowGroup(set.name())
                    : !Normalize.set(present).equals(Normalize.set(set))) {
                return false;
            }
        }
        return true;
    }

    private static <T> Map<String, T> byName(Collection<T> objects, Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        objects.forEach(o -> map.put(name.apply(o), o));
        return map;
    }

    private static <T> Set<String> names(Collection<T> objects, Function<T, String> name) {
        return objects.stream().map(name).collect(Collectors.toSet());
    }

    /**
     * Element changes of one set, elements identified by key (and key end for ranges). A key whose
     * data changes is re-added with the counts its element had, so a forward whose allow-list
     * changes (its ports verdict) keeps its counters.
     */
    record ElementDiff(List<SetElement> deletes, List<SetElement> adds) {
        static ElementDiff between(Collection<SetElement> actual, Collection<SetElement> desired) {
            // Element counters do not matter here, and only key, end and data are compared.
            Map<ElementId, SetElement> present = index(actual);
            Map<ElementId, SetElement> wanted = index(desired);
            List<SetElement> deletes = new ArrayList<>();
            List<SetElement> adds = new ArrayList<>();
            present.forEach((id, element) -> {
                SetElement want = wanted.get(id);
                if (want == null || !Objects.equals(want.data(), element.data())) {
                    deletes.add(id.asDeletion(element.flags()));
                }
            });
            wanted.forEach((id, element) -> {
                SetElement have = present.get(id);
                if (have == null) {
                    adds.add(element);
                } else if (!Objects.equals(have.data(), element.data())) {
                    adds.add(element.withCounter(have.counter()));
                }
            });
            return new ElementDiff(deletes, adds);
        }

        private static Map<ElementId, SetElement> index(Collection<SetElement> elements) {
            Map<ElementId, SetElement> map = new LinkedHashMap<>();
            elements.forEach(e -> map.put(new ElementId(e.key(), e.keyEnd()), e));
            return map;
        }
    }

    /**
     * What identifies an element to the kernel: its key, and its end for a range. A catch-all
     * element's empty key is no key of any other element, so it is one of its own (never wanted).
     */
    record ElementId(Bytes key, Optional<Bytes> keyEnd) {
        SetElement asDeletion(int flags) {
            return new SetElement(key, keyEnd, Optional.empty(), flags, Optional.empty());
        }
    }
}
