package dev.natagent.nft;

import java.util.Optional;

/** DELRULE without a handle: flushes one chain, or every chain of the table (nft flush table). */
public record RuleFlush(String table, Optional<String> chain) implements NftBody {}
