package dev.natagent.agent.reconcile;

import dev.natagent.nft.Batch;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.client.ElementReader;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * What the reconciler needs from nf_tables: list one table, list one set's elements, commit one
 * atomic batch. {@link SessionNftPort} is the netlink implementation; tests use an in-memory fake
 * that follows the kernel's rules. Implementations need not be thread-safe (the reconciler
 * serialises its calls).
 */
public interface NftPort {
    /**
     * The ruleset generation: the kernel counts every committed nf_tables transaction, of any
     * process and any table, so an unchanged generation means an unchanged ruleset.
     */
    int generation() throws IOException;

    /** The table of family ip called {@code table}, if it exists, and the generation it was read at. */
    default Listing list(String table) throws IOException {
        return list(table, Set.of());
    }

    /**
     * As {@link #list(String)}, but without the elements of the sets named in {@code withoutElements}
     * (their entries left out of {@link TableListing#elements}): a reader that compares those as
     * they stream by ({@link #forEachElement}) need not hold them.
     */
    Listing list(String table, Set<String> withoutElements) throws IOException;

    /** The elements of one set or map (with per-element counters); {@code NetlinkException} ENOENT if missing. */
    List<SetElement> listElements(String table, String set) throws IOException;

    /**
     * The elements of {@link #listElements}, each handed to {@code reader} in turn: readers that keep
     * only a little of each need not hold them all at once.
     */
    default void forEachElement(String table, String set, ElementReader reader) throws IOException {
        listElements(table, set).forEach(reader::accept);
    }

    /** The elements with the given keys (with counters); {@code NetlinkException} ENOENT if one is missing. */
    List<SetElement> getElements(String table, String set, List<SetElement> keys) throws IOException;

    /**
     * Commits {@code batch} atomically: all of it or, on any error, none of it.
     *
     * @throws dev.natagent.nl.NetlinkException the kernel refused it (errno), nothing changed
     * @throws dev.natagent.nl.OutcomeUnknownException replies were lost: re-read before deciding
     */
    void commit(Batch batch) throws IOException;
}
