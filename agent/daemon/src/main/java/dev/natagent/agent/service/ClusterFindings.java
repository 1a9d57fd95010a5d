package dev.natagent.agent.service;

import dev.natagent.agent.cluster.DiscoveryException;
import dev.natagent.agent.cluster.PollRecord;
import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.protocol.Finding;
import dev.natagent.agent.protocol.Finding.Severity;
import java.util.List;

/**
 * Doctor's findings about clusters, one per cluster and problem: a poll that fails (endpoint
 * unreachable, credentials refused, TLS, a reply that is no topology, a range too small for the
 * nodes) and a missing public address (no address map). A failing poll is an error while the
 * cluster has never had a good one (its nodes have no forwards), else a warning: the last good
 * topology stays in force but no longer follows the cluster.
 */
final class ClusterFindings {
    static final String ENDPOINT = "cluster_endpoint";
    static final String AUTH = "cluster_auth";
    static final String RANGE = "cluster_range";
    static final String PUBLIC_ADDRESS = "cluster_public_address";

    private ClusterFindings() {}

    static void add(NatState state, Views views, List<Finding> findings) {
        for (Cluster cluster : state.clusters().values()) {
            PollRecord poll = views.clusterPolls().of(cluster.name());
            String name = "cluster " + cluster.name();
            if (poll.error().isPresent()) {
                String kind = poll.errorKind().orElse("");
                Severity severity =
                        poll.lastGood().isEmpty() && cluster.nodes().isEmpty() ? Severity.ERROR : Severity.WARNING;
                String kept = cluster.nodes().isEmpty()
                        ? "; its nodes have no forwards yet"
                        : "; the forwards of its last good topology stay in place";
                findings.add(new Finding(
                        severity, check(kind), name + ": " + poll.error().get() + kept, fix(kind, cluster)));
            } else if (poll.lastGood().isPresent()) {
                findings.add(new Finding(
                        Severity.OK,
                        ENDPOINT,
                        name + ": polls succeed; " + cluster.forwards().size() + " nodes have forwards",
                        ""));
            }
            if (cluster.spec().publicAddress(state.settings()).isEmpty()) {
                findings.add(new Finding(
                        Severity.WARNING,
                        PUBLIC_ADDRESS,
                        name + ": no public address, so there is no address map for its clients",
                        "set the address clients reach this instance at (its Elastic IP): the cluster's"
                                + " public_address or settings public_address"));
            }
        }
    }

    private static String check(String kind) {
        if (kind.equals(DiscoveryException.Kind.AUTH_FAILED.name())) {
            return AUTH;
        }
        return kind.equals(PollRecord.RANGE_FULL) ? RANGE : ENDPOINT;
    }

    private static String fix(String kind, Cluster cluster) {
        if (kind.equals(DiscoveryException.Kind.AUTH_FAILED.name())) {
            return "check the auth file (PASSWORD or USER PASSWORD, mode 600) against the cluster's AUTH token or ACL"
                    + " user";
        }
        if (kind.equals(PollRecord.RANGE_FULL)) {
            return "give cluster " + cluster.name() + " a wider listen range (apply a changed cluster)";
        }
        if (kind.equals(DiscoveryException.Kind.TLS.name())) {
            return "check --tls, the CA file and that the endpoint's certificate names "
                    + cluster.spec().endpoint().host();
        }
        return "check that this instance reaches " + cluster.spec().endpoint()
                + " (security group, route, DNS) and that the cluster is in cluster mode";
    }
}
