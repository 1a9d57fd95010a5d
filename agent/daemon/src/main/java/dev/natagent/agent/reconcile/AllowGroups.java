package dev.natagent.agent.reconcile;

import dev.natagent.agent.model.Cidr;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The allow-list groups met in one rendering, export or change: each distinct list hashed once
 * (50,000 forwards may share one), and every group kept in the order it was first met.
 */
public final class AllowGroups {
    private final Map<List<Cidr>, AllowGroup> byList = new HashMap<>();
    private final Map<String, AllowGroup> byName = new LinkedHashMap<>();

    /** The group of a non-empty allow-list. */
    public AllowGroup of(List<Cidr> allow) {
        return byList.computeIfAbsent(allow, list -> {
            AllowGroup group = AllowGroup.of(list);
            byName.putIfAbsent(group.name(), group);
            return group;
        });
    }

    /** Every group met so far, in the order first met. */
    public Collection<AllowGroup> met() {
        return byName.values();
    }

    /** The group met so far whose chain and set are called {@code name}. */
    public Optional<AllowGroup> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
