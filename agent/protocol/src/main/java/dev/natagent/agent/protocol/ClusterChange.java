package dev.natagent.agent.protocol;

/**
 * Acknowledgement of cluster.add / cluster.remove / cluster.refresh.
 *
 * @param generation state generation right after the change
 * @param cluster the cluster added, removed or refreshed
 */
public record ClusterChange(long generation, ClusterView cluster) {}
