package dev.natagent.agent.reconcile;

import static dev.natagent.agent.reconcile.KernelLayout.TABLE;

import dev.natagent.nl.NetlinkException;
import java.io.IOException;
import java.util.OptionalInt;

/**
 * Whether table {@code ip nat_agent} holds exactly what a desired state renders to, read in two
 * parts: the table listed without the elements of the fixed sets, which the {@link Planner} compares
 * with the state rendered without them, and those elements, compared as their dumps are decoded
 * with the same rendering kept in {@link DenseElements}. It answers as planning against a whole
 * listing would (a match exactly when that plan is empty), but holds only the table's small
 * objects and a few flat arrays, however many forwards there are; a difference is left for a full
 * reconcile to plan and repair.
 */
final class TableCheck {
    private TableCheck() {}

    /**
     * The ruleset generation at which the table was found to hold exactly {@code desired}; empty when
     * it differs.
     *
     * @throws TableKeptChangingException the ruleset changed during every attempt to read it
     */
    static OptionalInt matchingGeneration(NftPort port, Desired desired) throws IOException {
        DenseElements elements = new DenseElements();
        Ruleset rest = Renderer.render(desired, elements::want);
        for (int attempt = 1; attempt <= Reconciler.MAX_ATTEMPTS; attempt++) {
            Listing listing = port.list(TABLE, DenseElements.SETS);
            if (!Planner.plan(listing.table(), rest).isEmpty()) {
                return OptionalInt.empty();
            }
            boolean matched;
            try {
                matched = elements.matchKernel(port);
            } catch (NetlinkException e) {
                // A set gone since the listing (ENOENT): the ruleset changed meanwhile; read it again.
                if (port.generation() != listing.generation()) {
                    continue;
                }
                throw e;
            }
            if (!matched) {
                return OptionalInt.empty();
            }
            // The listing and the dumps after it are one snapshot when nothing was committed in between.
            if (port.generation() == listing.generation()) {
                return OptionalInt.of(listing.generation());
            }
        }
        throw new TableKeptChangingException(
                "table " + TABLE + " kept changing while being checked (" + Reconciler.MAX_ATTEMPTS + " attempts)");
    }
}
