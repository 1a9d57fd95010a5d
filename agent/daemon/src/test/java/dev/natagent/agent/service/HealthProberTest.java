package dev.natagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.protocol.Health;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HealthProberTest {
    private static final Ipv4 LOOPBACK = Ipv4.parse("127.0.0.1");

    private static HealthProber.Endpoint endpoint(int port) {
        return new HealthProber.Endpoint(LOOPBACK, port);
    }

    @Test
    void aRoundProbesTheFirstDistinctEndpointsAndReadsNoFurther() throws Exception {
        AtomicInteger read = new AtomicInteger();
        try (HealthProber prober = new HealthProber(Duration.ofMillis(500))) {
            // 50,000 endpoints, each listed twice in a row (two forwards to one node port).
            prober.probe(IntStream.range(0, 100_000)
                    .mapToObj(i -> endpoint(1 + i / 2))
                    .peek(e -> read.incrementAndGet()));

            // The last endpoint of the round is the first of its pair: the stream stops there.
            assertEquals(2 * HealthProber.MAX_PER_ROUND - 1, read.get(), "read only as far as the round needs");
            assertNotEquals(Health.UNKNOWN, prober.health(endpoint(1)));
            assertNotEquals(Health.UNKNOWN, prober.health(endpoint(HealthProber.MAX_PER_ROUND)));
            assertEquals(Health.UNKNOWN, prober.health(endpoint(HealthProber.MAX_PER_ROUND + 1)));
        }
    }

    @Test
    void endpointsLeftOutOfARoundAreForgotten() throws Exception {
        try (HealthProber prober = new HealthProber(Duration.ofMillis(500))) {
            prober.probe(IntStream.rangeClosed(1, 3).mapToObj(HealthProberTest::endpoint));
            prober.probe(IntStream.rangeClosed(2, 3).mapToObj(HealthProberTest::endpoint));

            assertEquals(Health.UNKNOWN, prober.health(endpoint(1)));
            assertTrue(prober.health(endpoint(2)) != Health.UNKNOWN && prober.health(endpoint(3)) != Health.UNKNOWN);
        }
    }

    /** Rounds, new forwards and doctor calls asking at once share one probe; one that just ended answers. */
    @Test
    void anEndpointHasOneProbeAtATimeAndAFreshOneIsNotRepeated() throws Exception {
        AtomicInteger connects = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        HealthProber.Connector connector = (endpoint, timeout) -> {
            connects.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (HealthProber prober = new HealthProber(Duration.ofMillis(500), connector, Clock.systemUTC())) {
            prober.probeSoon(List.of(endpoint(1)));
            prober.probeSoon(List.of(endpoint(1)));
            release.countDown();
            prober.probeNow(Stream.of(endpoint(1), endpoint(1)));
            prober.probeNow(Stream.of(endpoint(1)));

            assertEquals(1, connects.get());
            assertEquals(Health.UP, prober.health(endpoint(1)));
            assertEquals("", prober.lastProbe(endpoint(1)).orElseThrow().failure());
        }
    }
}
