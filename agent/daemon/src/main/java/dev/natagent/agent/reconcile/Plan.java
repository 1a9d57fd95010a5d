package dev.natagent.agent.reconcile;

import dev.natagent.nft.Batch;
import java.util.List;

/**
 * One atomic change to table nat_agent: the batch and a line per step for logs and dry runs (e.g.
 * "delete 1 element(s) of forwards", "delete rule traffic handle 12 (foreign)"). Empty when the
 * kernel already holds what is wanted.
 */
public record Plan(Batch batch, List<String> steps) {
    public Plan {
        steps = List.copyOf(steps);
    }

    public boolean isEmpty() {
        return batch.isEmpty();
    }
}
