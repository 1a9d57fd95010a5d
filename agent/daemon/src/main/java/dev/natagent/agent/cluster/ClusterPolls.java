package dev.natagent.agent.cluster;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** The poll records of every cluster, read by status, doctor and metrics while pollers write them. */
public final class ClusterPolls {
    private final Map<String, PollRecord> records = new HashMap<>();

    public synchronized PollRecord of(String cluster) {
        return records.getOrDefault(cluster, PollRecord.NONE);
    }

    synchronized void good(String cluster, Instant at, boolean changed) {
        records.put(cluster, of(cluster).good(at, changed));
    }

    synchronized void failed(String cluster, Instant at, String kind, String message) {
        records.put(cluster, of(cluster).failed(at, kind, message));
    }

    /** Forgets the records of clusters no longer in the state. */
    synchronized void retain(Collection<String> clusters) {
        records.keySet().retainAll(clusters);
    }
}
