package dev.natagent.agent.daemon;

import dev.natagent.agent.ha.PairStatus;
import dev.natagent.agent.metrics.ClusterStats;
import dev.natagent.agent.metrics.ForwardStats;
import dev.natagent.agent.metrics.MetricSources;
import dev.natagent.agent.reconcile.DriftWatcher;
import dev.natagent.agent.service.NatService;
import dev.natagent.agent.service.Views;
import dev.natagent.agent.sysctl.Sysctls;
import java.util.Map;
import java.util.Optional;

/** Gauges read the service's current state, the kernel counters, the sysctls and the drift watcher. */
record LiveMetricSources(NatService service, Views views, Sysctls sysctls, DriftWatcher drift)
        implements MetricSources {
    @Override
    public Optional<Boolean> ipForward() {
        return sysctls.status().ipForward();
    }

    @Override
    public long driftCorrections() {
        return drift.corrections();
    }

    @Override
    public int forwardCount() {
        return service.state().forwards().size();
    }

    @Override
    public int outboundCount() {
        return service.state().outbounds().size();
    }

    @Override
    public Map<String, ForwardStats> forwardStats() {
        return views.forwardStats(service.state());
    }

    @Override
    public Optional<PairStatus> pair() {
        return views.pair(service.state());
    }

    @Override
    public Map<String, ClusterStats> clusterStats() {
        return views.clusterStats(service.state());
    }
}
