package dev.natagent.agent.protocol;

/**
 * Acknowledgement of cluster.add / cluster.remove / cluster.refresh.
 *
 * @param revision state revision right after the change
 * @param cluster the cluster added, removed or refreshed
 */
public record ClusterChange(long revision, ClusterView cluster) {}
