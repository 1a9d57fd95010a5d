package dev.natagent.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.api.AdminException;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.resolve.TargetResolver;
import dev.natagent.agent.service.AgentHealth;
import dev.natagent.agent.service.BulkChange;
import dev.natagent.agent.service.Doctor;
import dev.natagent.agent.service.HealthProber;
import dev.natagent.agent.service.NatService;
import dev.natagent.agent.service.Views;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.sysctl.Sysctls;
import dev.natagent.agent.validation.Validator;
import dev.natagent.nft.Batch;
import dev.natagent.nft.NftConstants;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nft.client.NftClient;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NlMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel refusals injected at the netlink transport seam, under the real
 * NftClient, ClientNftPort, Reconciler and NatService with a real StateStore. Every change either
 * is refused as KERNEL_ERROR with the errno's text while the state, the journal and the kernel stay
 * exactly as they were, or is acknowledged and then really is in the (fake) kernel and on disk.
 * Faults where retrying is safe (a transient EBUSY, ENOBUFS, a lost ACK: the batch is atomic and
 * the kernel is re-read) are retried; once a fault clears, the next reconcile converges.
 */
class KernelRefusalTest {
    private static final int EPERM = 1;
    private static final int EBUSY = 16;

    @TempDir
    Path dir;

    private final ScriptedKernel kernel = new ScriptedKernel();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final HealthProber prober = new HealthProber(Duration.ofMillis(50));
    private StateStore store;
    private Reconciler reconciler;
    private NatService service;
    private final List<String> outcomes = new ArrayList<>();
    private int serial;

    @BeforeEach
    void start() throws Exception {
        // A short reply timeout: a lost ACK or a dump without NLMSG_DONE is noticed after 200 ms.
        NftClient client = new NftClient(kernel.transport, NftConstants.NFPROTO_IPV4, Duration.ofMillis(200));
        reconciler = new Reconciler(new ClientNftPort(client));
        store = StateStore.open(dir.resolve("state"));
        AgentHealth health = new AgentHealth();
        Clock clock = Clock.systemUTC();
        TargetResolver resolver = new TargetResolver(host -> List.of(), clock);
        Sysctls sysctls = new Sysctls(dir.resolve("no-sysctls"));
        DriftWatcher drift = new DriftWatcher(reconciler, scheduler, DriftWatcher.DEFAULT_POLL, clock);
        Doctor doctor = new Doctor(
                dir.resolve("no-proc"),
                sysctls,
                health,
                () -> List.of(),
                () -> List.of(),
                (target, to) -> new Doctor.ReplyRoute(true, "table main"));
        Views views = new Views(health, resolver, reconciler, prober, sysctls, drift, doctor, clock, "test");
        service = new NatService(
                health,
                store,
                reconciler,
                resolver,
                new Validator(() -> Set.of(22)),
                views,
                dir.resolve("none.json"),
                BulkChange.NONE);
        reconciler.reconcileFull(service.desired());
        add(forward());
    }

    @AfterEach
    void stop() throws IOException {
        scheduler.shutdownNow();
        prober.close();
        store.close();
    }

    @Test
    void refusedChangesChangeNothingAndSafeFaultsAreRetried() throws Exception {
        String eperm = refused(
                "EPERM on the element batch",
                () -> kernel.transport.refuse(m -> m.nftMsg() == NftConstants.NEWSETELEM, EPERM, null));
        assertTrue(eperm.contains("Operation not permitted"), eperm);
        add(forward());

        acknowledged(
                "EBUSY once (retried as a full reconcile)",
                () -> kernel.transport.refuse(m -> m.nftMsg() == NftConstants.NEWSETELEM, EBUSY, null));

        String ebusy = refused("EBUSY on the retry as well", () -> kernel.transport
                .refuse(KernelRefusalTest::addsForwardsElements, EBUSY, null)
                .refuse(KernelRefusalTest::addsForwardsElements, EBUSY, null));
        assertTrue(ebusy.contains("Device or resource busy"), ebusy);
        add(forward());

        acknowledged(
                "ENOBUFS: the batch's replies dropped (re-read: it was taken)",
                () -> kernel.transport.overflowAfter(0));
        acknowledged(
                "lost ACK of the element batch (re-read: it was taken)",
                () -> kernel.transport.loseReplyTo(m -> m.nftMsg() == NftConstants.NEWSETELEM));

        Outbound outbound = new Outbound("private", List.of(Cidr.parse("10.0.0.0/16")), "ens5");
        String truncated = refusedOutbound(
                "truncated dump while listing the table", outbound, () -> kernel.transport.truncateNextDump());
        assertTrue(truncated.contains("no reply within"), truncated);
        acknowledgedOutbound(
                "ENOBUFS during the listing dump (repeated)", outbound, () -> kernel.transport.overflowAfter(1));

        // A foreign process deletes the table; the periodic reconcile is refused once, then converges.
        kernel.synced().commit(Batch.ipv4().delete(Table.of(KernelLayout.TABLE)));
        kernel.transport.refuse(m -> m.nftMsg() == NftConstants.NEWTABLE, EPERM, null);
        ReconcileException periodic = assertThrows(ReconcileException.class, () -> reconciler.reconcileCurrent());
        assertTrue(periodic.getMessage().contains("Operation not permitted"), periodic.getMessage());
        assertEquals("", kernel.dump(), "a refused reconcile left part of the table");
        reconciler.reconcileCurrent();
        assertEquals(RendererTest.rendered(service.desired()), kernel.dump(), "converged once the fault cleared");
        outcomes.add("EPERM on the periodic reconcile after a foreign table delete: refused, converged on the next");

        outcomes.forEach(o -> System.out.println("  " + o));
        long refusedCount =
                outcomes.stream().filter(o -> o.contains(": refused")).count();
        System.out.println(
                "RELIABILITY 5: " + outcomes.size() + " netlink faults injected (EPERM, EBUSY x2, ENOBUFS x2,"
                        + " lost ACK, truncated dump, EPERM on the periodic reconcile): " + refusedCount
                        + " refused and reported (admin changes as KERNEL_ERROR with the errno text) with state, journal and"
                        + " kernel unchanged; " + (outcomes.size() - refusedCount)
                        + " retried safely and acknowledged with the"
                        + " change in the kernel; 0 acknowledged changes missing from the kernel; converged after every fault cleared");
    }

    /** One message per batch: the elements added to the forwards map. */
    private static boolean addsForwardsElements(NlMessage m) {
        try {
            return m.nftMsg() == NftConstants.NEWSETELEM
                    && m.attrs()
                            .string(SetElements.NFTA_SET_ELEM_LIST_SET, "set")
                            .equals(KernelLayout.SET_FORWARDS);
        } catch (NetlinkDecodeException e) {
            throw new AssertionError(e);
        }
    }

    private Forward forward() {
        int n = ++serial;
        return Forward.single("f" + n, Protocol.TCP, 7000 + n, Target.parse("10.0.1." + n + ":6379"));
    }

    private void add(Forward forward) throws IOException {
        service.addForward(forward, false);
        assertEquals(RendererTest.rendered(service.desired()), kernel.dump());
    }

    /** A forward add under {@code fault} must be refused with nothing changed; returns the message. */
    private String refused(String fault, Runnable inject) throws IOException {
        return refusedChange(fault, inject, () -> service.addForward(forward(), false));
    }

    private String refusedOutbound(String fault, Outbound outbound, Runnable inject) throws IOException {
        return refusedChange(fault, inject, () -> service.addOutbound(outbound));
    }

    private String refusedChange(String fault, Runnable inject, Supplier<?> change) throws IOException {
        NatState state = service.state();
        long revision = store.revision();
        long journal = store.journalBytes();
        String table = kernel.dump();
        inject.run();
        AdminException e = assertThrows(AdminException.class, change::get, fault);
        assertEquals(ErrorCode.KERNEL_ERROR, e.code(), fault);
        assertEquals(state, service.state(), fault);
        assertEquals(revision, store.revision(), fault);
        assertEquals(journal, store.journalBytes(), fault + ": the journal grew");
        assertEquals(table, kernel.dump(), fault + ": the kernel changed");
        outcomes.add(fault + ": refused (" + e.getMessage() + ")");
        return e.getMessage();
    }

    /** A forward add under {@code fault} must be acknowledged and then be in the kernel and on disk. */
    private void acknowledged(String fault, Runnable inject) throws IOException {
        acknowledgedChange(fault, inject, () -> service.addForward(forward(), false));
    }

    private void acknowledgedOutbound(String fault, Outbound outbound, Runnable inject) throws IOException {
        acknowledgedChange(fault, inject, () -> service.addOutbound(outbound));
    }

    private void acknowledgedChange(String fault, Runnable inject, Supplier<?> change) throws IOException {
        long revision = store.revision();
        inject.run();
        change.get();
        assertEquals(revision + 1, store.revision(), fault);
        assertEquals(
                RendererTest.rendered(service.desired()),
                kernel.dump(),
                fault + ": acknowledged but not in the kernel");
        outcomes.add(fault + ": retried, acknowledged, in the kernel");
    }
}
