package dev.natagent.agent.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Target;
import java.net.UnknownHostException;
import java.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetResolverTest {
    private static final String NODE = "node-1.abc.cache.amazonaws.com";

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final Map<String, List<Ipv4>> dns = new HashMap<>();
    private final ManualClock clock = new ManualClock();
    private final TargetResolver resolver = new TargetResolver(
            host -> {
                List<Ipv4> answer = dns.get(host);
                if (answer == null) {
                    throw new UnknownHostException(host + ": Name or service not known");
                }
                return answer;
            },
            clock);

    @Test
    void resolvesFollowsChangesAndKeepsLastGoodOnFailure() {
        dns.put(NODE, List.of(Ipv4.parse("10.0.1.230")));
        assertEquals(Set.of(NODE), resolver.resolve(Set.of(NODE)));
        Instant first = clock.now;
        assertEquals(Optional.of(Ipv4.parse("10.0.1.230")), resolver.addressOf(new Target(NODE, 6379)));

        clock.now = clock.now.plusSeconds(30);
        assertEquals(Set.of(), resolver.resolve(Set.of(NODE)), "same answer: nothing to update");
        assertEquals(Optional.of(first), resolver.status(NODE).orElseThrow().lastChange());

        dns.remove(NODE);
        clock.now = clock.now.plusSeconds(30);
        assertEquals(Set.of(), resolver.resolve(Set.of(NODE)));
        clock.now = clock.now.plusSeconds(30);
        resolver.resolve(Set.of(NODE));
        TargetStatus failing = resolver.status(NODE).orElseThrow();
        assertEquals(Optional.of(Ipv4.parse("10.0.1.230")), failing.address(), "last good address kept");
        assertEquals(2, failing.consecutiveFailures());
        assertEquals(2, failing.totalFailures());
        assertTrue(failing.lastError().orElseThrow().contains("Name or service not known"), failing.toString());
        assertFalse(failing.isHealthy());
        assertEquals(Optional.of(clock.now), failing.lastAttempt());

        dns.put(NODE, List.of(Ipv4.parse("10.0.1.240")));
        clock.now = clock.now.plusSeconds(30);
        assertEquals(Set.of(NODE), resolver.resolve(Set.of(NODE)));
        TargetStatus moved = resolver.status(NODE).orElseThrow();
        assertEquals(Optional.of(Ipv4.parse("10.0.1.240")), moved.address());
        assertEquals(0, moved.consecutiveFailures());
        assertEquals(2, moved.totalFailures());
        assertEquals(2, moved.addressChanges());
        assertEquals(Optional.of(clock.now), moved.lastChange());
        assertTrue(moved.isHealthy());
        assertEquals(Optional.empty(), moved.lastError());
    }

    @Test
    void roundRobinAnswersDoNotChurn() {
        dns.put(NODE, List.of(Ipv4.parse("10.0.1.1"), Ipv4.parse("10.0.1.2")));
        resolver.resolve(Set.of(NODE));
        dns.put(NODE, List.of(Ipv4.parse("10.0.1.2"), Ipv4.parse("10.0.1.1")));
        assertEquals(Set.of(), resolver.resolve(Set.of(NODE)));
        assertEquals(Optional.of(Ipv4.parse("10.0.1.1")), resolver.addressOf(new Target(NODE, 1)));
    }

    @Test
    void literalsNeedNoLookupAndUnknownNamesHaveNoAddress() {
        assertEquals(Optional.of(Ipv4.parse("10.0.1.5")), resolver.addressOf(Target.parse("10.0.1.5:6379")));
        assertEquals(Optional.empty(), resolver.addressOf(new Target("never.resolved", 1)));
    }

    @Test
    void failingLookupOnFirstTryIsReported() {
        resolver.resolve(Set.of("gone.example"));
        TargetStatus status = resolver.status("gone.example").orElseThrow();
        assertEquals(Optional.empty(), status.address());
        assertEquals(1, status.consecutiveFailures());
    }

    @Test
    void lookupThatThrowsUncheckedOrAnswersNothingIsAFailure() {
        TargetResolver odd = new TargetResolver(
                host -> {
                    if (host.startsWith("boom")) {
                        throw new IllegalStateException("resolver bug");
                    }
                    return List.of();
                },
                clock);
        odd.resolve(List.of("boom.example", "empty.example"));
        assertEquals(
                "IllegalStateException: resolver bug",
                odd.status("boom.example").orElseThrow().lastError().orElseThrow());
        assertEquals(
                "no IPv4 address",
                odd.status("empty.example").orElseThrow().lastError().orElseThrow());
    }

    @Test
    void hostsNoLongerUsedAreForgotten() {
        dns.put("a.example", List.of(Ipv4.parse("10.0.0.1")));
        dns.put("b.example", List.of(Ipv4.parse("10.0.0.2")));
        resolver.resolve(List.of("a.example", "b.example"));
        resolver.resolve(List.of("b.example"));
        assertEquals(Set.of("b.example"), resolver.statuses().keySet());
    }

    @Test
    void dnsHostsOfAState() {
        NatState state = ModelJson.read(
                "{\"forwards\":[{\"name\":\"m\",\"listen\":\"1-3\",\"to\":[\"b.example:1\",\"10.0.0.1:1\",\"a.example:1\"]}]}",
                NatState.class);
        assertEquals(List.of("a.example", "b.example"), List.copyOf(TargetResolver.dnsHosts(state)));
    }

    @Test
    void systemLookupResolvesLocalhostToIpv4() throws Exception {
        assertEquals(List.of(Ipv4.parse("127.0.0.1")), HostLookup.system().lookup("127.0.0.1"));
    }

    @Test
    void jvmDnsCacheIsLimited() {
        String ttl = Security.getProperty(JvmDnsCache.TTL);
        String negative = Security.getProperty(JvmDnsCache.NEGATIVE_TTL);
        try {
            JvmDnsCache.limit(Duration.ofSeconds(5));
            assertEquals("5", Security.getProperty(JvmDnsCache.TTL));
            assertEquals("0", Security.getProperty(JvmDnsCache.NEGATIVE_TTL));
        } finally {
            Security.setProperty(JvmDnsCache.TTL, ttl == null ? "-1" : ttl);
            Security.setProperty(JvmDnsCache.NEGATIVE_TTL, negative == null ? "10" : negative);
        }
    }
}
