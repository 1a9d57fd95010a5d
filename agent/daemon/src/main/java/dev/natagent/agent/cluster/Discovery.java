package dev.natagent.agent.cluster;

import dev.natagent.agent.model.ClusterSpec;

/**
 * Asks a cluster's configuration endpoint what the cluster looks like now. Runs on a poller
 * thread, never under the service's lock; every failure, including a reply that does not parse, is
 * a {@link DiscoveryException}, so a bad poll changes nothing.
 */
public interface Discovery {
    Topology discover(ClusterSpec spec) throws DiscoveryException;
}
