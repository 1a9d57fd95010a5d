package dev.natagent.agent.e2e;

import java.util.List;

/** A Redis cluster client library reduced to what the cluster tests ask of it. */
interface ClusterKeys extends AutoCloseable {
    /** Sets every key to {@code value}; a line for each key that could not be written. */
    List<String> set(List<String> keys, String value);

    /** Reads every key; a line for each key that could not be read or does not hold {@code value}. */
    List<String> check(List<String> keys, String value);

    @Override
    void close();
}
