package dev.natagent.nft;

/** What an nf_tables message carries, as {@link NftMessage#decode} returns it. */
public sealed interface NftBody permits NftObject, Generation, RuleFlush, NftBody.Unmodelled {
    /** A message type we do not model (flowtables, GET requests, ...); skip it. */
    record Unmodelled(int msgType) implements NftBody {}
}
