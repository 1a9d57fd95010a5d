package dev.natagent.agent.metrics;

/**
 * Live figures of one cluster.
 *
 * @param nodes nodes present in its last good topology (each has a forward)
 * @param polls polls since the agent started, good or failed
 * @param pollFailures polls that kept the last good topology (discovery failed or the range was full)
 * @param topologyChanges good polls that changed the nodes' forwards or ports
 * @param secondsSinceGoodPoll since the last good poll ended; NaN before the first one
 */
public record ClusterStats(
        int nodes, long polls, long pollFailures, long topologyChanges, double secondsSinceGoodPoll) {}
