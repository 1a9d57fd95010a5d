package dev.natagent.bench;

/** Samples of one method, e.g. "nft -f (whole process)", with the label the table prints. */
record Measured(String method, Samples samples) {}
