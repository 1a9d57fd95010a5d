package dev.natagent.agent.metrics;

import dev.natagent.agent.ha.PairStatus;
import java.util.Map;
import java.util.Optional;

/** Where gauges read their values; the daemon implements it from its state, kernel counters and probes. */
public interface MetricSources {
    /** net.ipv4.ip_forward as read now, empty when unknown. */
    Optional<Boolean> ipForward();

    /** Foreign changes to the agent's table undone since start. */
    long driftCorrections();

    int forwardCount();

    int outboundCount();

    /** Per forward name, its counters and health; called on each metrics render. */
    Map<String, ForwardStats> forwardStats();

    /** This node's side of its pair, read now; empty on a single instance. */
    default Optional<PairStatus> pair() {
        return Optional.empty();
    }

    /** Per cluster name, its nodes and polls; called on each metrics render. */
    default Map<String, ClusterStats> clusterStats() {
        return Map.of();
    }

    MetricSources NONE = new MetricSources() {
        @Override
        public Optional<Boolean> ipForward() {
            return Optional.empty();
        }

        @Override
        public long driftCorrections() {
            return 0;
        }

        @Override
        public int forwardCount() {
            return 0;
        }

        @Override
        public int outboundCount() {
            return 0;
        }

        @Override
        public Map<String, ForwardStats> forwardStats() {
            return Map.of();
        }
    };
}
