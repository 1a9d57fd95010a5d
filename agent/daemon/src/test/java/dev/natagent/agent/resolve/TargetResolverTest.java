package dev.natagent.agent.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Target;
import java.io.InterruptedIOException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                "resolver bug",
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

    @Test
    void silentLookupsRunTogetherEachBoundedByTheDeadlineAndLateAnswersAreTaken() throws Exception {
        CountDownLatch silent = new CountDownLatch(1);
        List<String> changed = new CopyOnWriteArrayList<>();
        AtomicInteger lookups = new AtomicInteger();
        TargetResolver slow = new TargetResolver(
                host -> {
                    lookups.incrementAndGet();
                    try {
                        silent.await();
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException();
                    }
                    return List.of(Ipv4.parse("10.0.1.7"));
                },
                clock,
                Duration.ofMillis(300),
                LastGoodAddresses.NONE);
        slow.listen(new TargetResolver.Listener() {
            @Override
            public void addressChanged(String host) {
                changed.add(host);
            }

            @Override
            public void lookupFailed(TargetStatus status) {}
        });
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            hosts.add("n" + i + ".example");
        }
        long started = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> slow.resolve(hosts));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(millis < 2_000, "12 silent names took " + millis + " ms with a 300 ms deadline");
        for (String host : hosts) {
            TargetStatus status = slow.status(host).orElseThrow();
            assertEquals("no answer within 300 ms", status.lastError().orElseThrow());
            assertEquals("unresolved", status.state());
            assertTrue(slow.isLookingUp(host), "one lookup per name, still running");
        }
        slow.refresh(hosts);
        assertEquals(hosts.size(), lookups.get(), "a name whose lookup still runs is not looked up again");
        silent.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (changed.size() < hosts.size() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(Set.copyOf(hosts), Set.copyOf(changed), "each late answer reported once");
        assertEquals(hosts.size(), changed.size());
        assertEquals(Optional.of(Ipv4.parse("10.0.1.7")), slow.addressOf(new Target("n0.example", 1)));
        assertEquals("resolved", slow.status("n0.example").orElseThrow().state());
    }

    @Test
    void answersNoTargetMayHaveAreFailuresThatKeepTheLastGoodAddress() {
        for (String bad : List.of("127.0.0.1", "127.8.9.10", "0.0.0.0", "255.255.255.255", "224.0.0.1")) {
            dns.put(NODE, List.of(Ipv4.parse("10.0.1.230")));
            resolver.resolve(Set.of(NODE));
            dns.put(NODE, List.of(Ipv4.parse(bad)));
            assertEquals(Set.of(), resolver.resolve(Set.of(NODE)), bad);
            TargetStatus kept = resolver.status(NODE).orElseThrow();
            assertEquals(Optional.of(Ipv4.parse("10.0.1.230")), kept.address(), bad);
            assertEquals("stale", kept.state(), bad);
            assertTrue(kept.lastError().orElseThrow().contains("cannot be a NAT target"), kept.toString());

            dns.put("fresh.example", List.of(Ipv4.parse(bad)));
            resolver.resolve(Set.of("fresh.example"));
            TargetStatus never = resolver.status("fresh.example").orElseThrow();
            assertEquals(Optional.empty(), never.address(), bad);
            assertEquals("unresolved", never.state(), bad);
        }
        dns.put(NODE, List.of(Ipv4.parse("127.0.0.1"), Ipv4.parse("10.0.1.240")));
        resolver.resolve(Set.of(NODE));
        assertEquals(Optional.of(Ipv4.parse("10.0.1.240")), resolver.addressOf(new Target(NODE, 1)));
    }

    @Test
    void lastGoodAddressesSurviveARestartAndAreKeptWhileLookupsFail(@TempDir Path stateDir) throws Exception {
        dns.put(NODE, List.of(Ipv4.parse("10.0.1.230")));
        TargetResolver before =
                new TargetResolver(host -> dns.get(host), clock, Duration.ofSeconds(1), LastGoodAddresses.in(stateDir));
        before.resolve(Set.of(NODE));
        Instant resolvedAt = clock.now;

        clock.now = clock.now.plusSeconds(600);
        TargetResolver after = new TargetResolver(
                host -> {
                    throw new UnknownHostException(host + ": Temporary failure in name resolution");
                },
                clock,
                Duration.ofSeconds(1),
                LastGoodAddresses.in(stateDir));
        assertEquals(1, after.carryOver(Set.of(NODE, "other.example")));
        TargetStatus carried = after.status(NODE).orElseThrow();
        assertEquals(Optional.of(Ipv4.parse("10.0.1.230")), carried.address());
        assertEquals(Optional.of(resolvedAt), carried.lastChange());
        assertEquals("resolving", carried.state());

        after.resolve(Set.of(NODE));
        TargetStatus stale = after.status(NODE).orElseThrow();
        assertEquals(Optional.of(Ipv4.parse("10.0.1.230")), stale.address());
        assertEquals("stale", stale.state());
        assertEquals(Optional.of(clock.now), stale.failingSince());

        Files.writeString(stateDir.resolve(LastGoodAddresses.FILE), "{\"schema_version\":1,\"addresses\":{\"x\"");
        assertEquals(0, new TargetResolver(host -> List.of(), clock).carryOver(Set.of(NODE)));
        assertEquals(Map.of(), LastGoodAddresses.in(stateDir).load(), "a damaged file is ignored");
    }

    @Test
    void journalWarnsOnceRemindsHourlyAndSaysWhenTheNameResolvesAgain() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger(TargetResolver.class.getName());
        logger.addHandler(capture);
        try {
            for (int i = 0; i < 10; i++) {
                clock.now = clock.now.plusSeconds(30);
                resolver.resolve(Set.of(NODE));
            }
            assertEquals(1, warnings(records), messages(records));
            assertTrue(records.get(0).getMessage().startsWith("cannot resolve " + NODE), messages(records));

            clock.now = clock.now.plus(ResolveLog.REMINDER);
            resolver.resolve(Set.of(NODE));
            resolver.resolve(Set.of(NODE));
            assertEquals(2, warnings(records), messages(records));
            assertTrue(
                    records.get(1).getMessage().contains("still does not resolve (11 failed lookups"),
                    messages(records));

            dns.put(NODE, List.of(Ipv4.parse("10.0.1.230")));
            resolver.resolve(Set.of(NODE));
            resolver.resolve(Set.of(NODE));
            assertEquals(3, records.size(), messages(records));
            assertEquals(Level.INFO, records.get(2).getLevel());
            assertTrue(
                    records.get(2).getMessage().startsWith(NODE + " resolves again, to 10.0.1.230"), messages(records));
        } finally {
            logger.removeHandler(capture);
        }
    }

    private static long warnings(List<LogRecord> records) {
        return records.stream().filter(r -> r.getLevel() == Level.WARNING).count();
    }

    private static String messages(List<LogRecord> records) {
        return records.stream().map(LogRecord::getMessage).toList().toString();
    }
}
