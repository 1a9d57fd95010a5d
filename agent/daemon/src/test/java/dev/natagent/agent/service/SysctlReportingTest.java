package dev.natagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.natagent.agent.model.NatState;
import dev.natagent.agent.protocol.Finding;
import dev.natagent.agent.protocol.StatusView;
import dev.natagent.agent.reconcile.DriftWatcher;
import dev.natagent.agent.reconcile.Listing;
import dev.natagent.agent.reconcile.NftPort;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.agent.resolve.TargetResolver;
import dev.natagent.agent.sysctl.Sysctls;
import dev.natagent.nft.Batch;
import dev.natagent.nft.SetElement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sysctl upkeep, in process: the sysctl upkeep that every housekeeping round runs never rewrites
 * ip_forward when it is already 1 (counted by {@link Sysctls}' write counter, and the file's mtime
 * kept), and a failed write shows in status (degraded, with the message) and in doctor (an
 * ip_forward finding that quotes it). The sysctl root is a temp tree laid out like /proc/sys.
 */
class SysctlReportingTest {
    private static final int ROUNDS = 1_000;

    @TempDir
    Path root;

    private final AgentHealth health = new AgentHealth();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final HealthProber prober = new HealthProber(Duration.ofMillis(50));
    private Path ipForward;

    @BeforeEach
    void tree() throws IOException {
        ipForward = root.resolve("sys/net/ipv4/ip_forward");
        Files.createDirectories(root.resolve("sys/net/ipv4/conf/all"));
        Files.writeString(root.resolve("sys/net/ipv4/conf/all/send_redirects"), "0\n");
        health.kernelInSync();
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        prober.close();
    }

    @Test
    void repeatedChecksNeverRewriteIpForwardThatIsAlreadyOn() throws IOException {
        Files.writeString(ipForward, "1\n");
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(ipForward, old);
        Sysctls sysctls = new Sysctls(root.resolve("sys"));

        for (int i = 0; i < ROUNDS; i++) {
            sysctls.ensure(true);
        }

        assertEquals(0, sysctls.status().writes());
        assertEquals(old, Files.getLastModifiedTime(ipForward), "ip_forward was written");
        assertEquals("ok", views(sysctls).status(NatState.empty(), 0).health());
        System.out.println("RELIABILITY 9 (in process): " + ROUNDS
                + " sysctl checks with ip_forward already 1: 0 writes (write counter), mtime unchanged");
    }

    @Test
    void aFailedWriteShowsInStatusAndDoctor() throws Exception {
        Files.writeString(ipForward, "0\n");
        // Root ignores file modes; an immutable file refuses even root, as a read-only /proc/sys does.
        requireChattr("+i");
        try {
            Sysctls sysctls = new Sysctls(root.resolve("sys"));
            sysctls.ensure(true);
            Views views = views(sysctls);

            String error = sysctls.status().lastError().orElseThrow();
            assertTrue(error.startsWith("cannot write " + Sysctls.IP_FORWARD + "=1"), error);
            StatusView status = views.status(NatState.empty(), 0);
            assertEquals("degraded", status.health());
            assertTrue(status.message().contains(error), status.message());
            assertEquals("off", status.ipForward());
            Finding finding = views.doctor(NatState.empty()).findings().stream()
                    .filter(f -> f.check().equals("ip_forward"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(Finding.Severity.ERROR, finding.severity());
            assertTrue(finding.message().contains(error), finding.message());
            System.out.println("RELIABILITY 9 (in process): unwritable ip_forward -> status degraded (" + error
                    + "), doctor " + finding.severity() + " ip_forward finding");
        } finally {
            chattr("-i");
        }
    }

    private Views views(Sysctls sysctls) {
        Clock clock = Clock.systemUTC();
        Reconciler reconciler = new Reconciler(new NoKernel());
        DriftWatcher drift = new DriftWatcher(reconciler, scheduler, DriftWatcher.DEFAULT_POLL, clock);
        Doctor doctor = new Doctor(
                root,
                sysctls,
                health,
                () -> List.of(),
                () -> List.of(),
                (target, client) -> new Doctor.ReplyRoute(true, "table main"));
        return new Views(
                health,
                new TargetResolver(host -> List.of(), clock),
                reconciler,
                prober,
                sysctls,
                drift,
                doctor,
                clock,
                "test");
    }

    private void requireChattr(String flag) throws Exception {
        if (chattr(flag)) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true: chattr " + flag + " is needed to make a file unwritable for root");
        }
        assumeTrue(false, "chattr " + flag + " not supported here");
    }

    private boolean chattr(String flag) throws Exception {
        Process process = new ProcessBuilder("chattr", flag, ipForward.toString()).start();
        return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    }

    /** Doctor and status never touch the kernel here. */
    private static final class NoKernel implements NftPort {
        @Override
        public int generation() throws IOException {
            throw new IOException("no kernel in this test");
        }

        @Override
        public Listing list(String table, Set<String> withoutElements) throws IOException {
            throw new IOException("no kernel in this test");
        }

        @Override
        public List<SetElement> listElements(String table, String set) throws IOException {
            throw new IOException("no kernel in this test");
        }

        @Override
        public List<SetElement> getElements(String table, String set, List<SetElement> keys) throws IOException {
            throw new IOException("no kernel in this test");
        }

        @Override
        public void commit(Batch batch) throws IOException {
            throw new IOException("no kernel in this test");
        }
    }
}
