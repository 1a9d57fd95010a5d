package dev.natagent.agent.reconcile;

import java.util.Objects;
import java.util.Optional;

/**
 * What listing one table found at ruleset generation {@code generation}: the table, or empty when
 * it does not exist. An absent table still has a generation, so a batch that creates it can be
 * bound to the state it was planned against, like any other.
 */
public record Listing(int generation, Optional<TableListing> table) {
    public Listing {
        Objects.requireNonNull(table, "table");
    }
}
