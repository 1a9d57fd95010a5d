package dev.natagent.nft.client;

import dev.natagent.nft.SetElement;

/**
 * Reads a set's elements as their dump is decoded ({@link NftClient#forEachElement}): a reader that
 * keeps a little of each (a counter, a flag in an array) never holds the set.
 */
public interface ElementReader {
    void accept(SetElement element);

    /**
     * The dump starts over (the ruleset changed while it ran): the elements read so far are to be
     * forgotten; every element follows again.
     */
    void restart();
}
