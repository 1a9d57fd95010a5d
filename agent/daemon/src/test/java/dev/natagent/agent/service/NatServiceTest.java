package dev.natagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.api.AdminException;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.ApplyResult;
import dev.natagent.agent.protocol.ForwardChange;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.TargetView;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.FakeKernel;
import dev.natagent.agent.reconcile.KernelLayout;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.agent.store.StateCorruptException;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.testing.ElastiCacheGuide;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's contract over the in-memory kernel and a real store: an acknowledged change is in
 * the kernel and on disk, a refused or failed one in neither.
 */
class NatServiceTest {
    private static final int EPERM = 1;

    @TempDir
    Path dir;

    private ServiceFixture agent;

    @BeforeEach
    void start() throws Exception {
        agent = ServiceFixture.fresh(dir);
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
    }

    static Forward redis() {
        return ElastiCacheGuide.redis(ReturnPath.MASQUERADE);
    }

    static Forward memcached() {
        return ElastiCacheGuide.memcached(ReturnPath.parse("10.0.1.1"));
    }

    static NatState aws() {
        return NatState.of(
                Settings.DEFAULTS, List.of(redis(), memcached()), List.of(ElastiCacheGuide.privateSubnets()));
    }

    /** What a fresh kernel holds after one full reconcile to {@code desired}: the reference rendering. */
    private static String rendered(Desired desired) throws Exception {
        FakeKernel reference = new FakeKernel();
        new Reconciler(reference).reconcileFull(desired);
        return reference.dump(ServiceFixture.TABLE);
    }

    private void assertAcknowledgedEverywhere(NatState expected) throws Exception {
        assertEquals(expected, agent.state());
        assertEquals(rendered(agent.views.desired(expected)), agent.kernelDump(), "kernel");
        assertEquals(expected, agent.reloadFromDisk(), "disk");
    }

    @Test
    void addedForwardIsInTheKernelAndOnDiskAsOneElementChange() throws Exception {
        int commits = agent.kernel.commits();

        ForwardChange change = agent.service.addForward(redis(), false);

        assertEquals(1, change.revision());
        assertEquals("redis", change.forward().name());
        assertEquals(commits + 1, agent.kernel.commits(), "one batch");
        assertEquals(0, agent.kernel.elementListings(), "no O(N) counter dump to acknowledge a change");
        assertTrue(agent.kernelDump().contains("tcp . 6380 : 10.0.1.231 . 6379"), agent.kernelDump());
        assertAcknowledgedEverywhere(NatState.empty().withForward(redis()));
    }

    @Test
    void removedForwardLeavesKernelAndDisk() throws Exception {
        agent.service.addForward(redis(), false);
        agent.service.addForward(memcached(), false);

        int dumps = agent.kernel.elementListings();
        ForwardChange removed = agent.service.removeForward("redis");

        assertEquals(dumps, agent.kernel.elementListings(), "no O(N) counter dump to acknowledge a change");

        assertEquals(3, removed.revision());
        assertEquals("6379-6381", removed.forward().listen());
        assertFalse(agent.kernelDump().contains("6380"), agent.kernelDump());
        assertAcknowledgedEverywhere(NatState.empty().withForward(memcached()));
    }

    @Test
    void oneForwardsCountersAreReadFromItsOwnElementsOnly() throws Exception {
        agent.service.addForward(redis(), false);
        agent.service.addForward(memcached(), false);
        for (int port = 6379; port <= 6381; port++) {
            agent.kernel.count(KernelLayout.SET_PORTS, KernelLayout.protoPort(Protocol.TCP, port), port - 6378, 100);
        }
        int dumps = agent.kernel.elementListings();

        ForwardView redis = agent.views.forward(redis());
        ForwardView memcached = agent.views.forward(memcached());

        assertEquals(1 + 2 + 3, redis.packets(), "summed over the forward's listen ports");
        assertEquals(300, redis.bytes());
        assertEquals(0, memcached.packets());
        assertEquals(dumps, agent.kernel.elementListings(), "no dump of the whole forwards map");
    }

    @Test
    void listingShowsEveryForwardInNameOrderFromOneCounterDumpHoweverOftenItIsRead() throws Exception {
        agent.service.addForward(redis(), false);
        agent.service.addForward(memcached(), false);
        agent.kernel.count(KernelLayout.SET_PORTS, KernelLayout.protoPort(Protocol.TCP, 6380), 7, 700);
        int dumps = agent.kernel.elementListings();

        List<ForwardView> listed = agent.service.listForwards();
        List<ForwardView> firstRead = List.copyOf(listed);
        List<ForwardView> secondRead = List.copyOf(listed);

        assertEquals(dumps + 1, agent.kernel.elementListings(), "one dump for the whole listing");
        for (List<ForwardView> read : List.of(firstRead, secondRead)) {
            assertEquals(
                    List.of("memcached", "redis"),
                    read.stream().map(ForwardView::name).toList());
            assertEquals(7, read.get(1).packets());
            assertEquals(700, read.get(1).bytes());
            assertEquals(
                    redis().targets().stream().map(Target::toString).toList(),
                    read.get(1).targets().stream().map(TargetView::target).toList());
        }
    }

    @Test
    void outboundsAddAndRemove() throws Exception {
        Outbound outbound = new Outbound("private", List.of(Cidr.parse("10.0.0.0/16")), "ens5");
        agent.service.addOutbound(outbound);
        assertTrue(agent.kernelDump().contains("nat-agent:outbound:private"), agent.kernelDump());
        assertEquals(
                List.of("private"),
                agent.service.listOutbounds().stream().map(o -> o.name()).toList());

        agent.service.removeOutbound("private");
        assertAcknowledgedEverywhere(NatState.empty());
    }

    @Test
    void applyPutsTheWholeStateInAndAgainIsNoChange() throws Exception {
        ApplyResult applied = agent.service.apply(aws(), false);
        assertTrue(applied.applied());
        assertEquals(1, applied.revision(), "one apply is one revision");
        assertAcknowledgedEverywhere(aws());

        int commits = agent.kernel.commits();
        ApplyResult again = agent.service.apply(aws(), false);
        assertFalse(again.applied());
        assertEquals(1, again.revision());
        assertEquals(commits, agent.kernel.commits(), "an empty diff touches nothing");

        NatState smaller = aws().withoutForward("memcached").withoutOutbound("private");
        ApplyResult shrunk = agent.service.apply(smaller, false);
        assertEquals(List.of(memcached()), shrunk.diff().forwards().removed());
        assertAcknowledgedEverywhere(smaller);
    }

    @Test
    void dryRunReturnsTheDiffAndChangesNothing() throws Exception {
        agent.service.addForward(redis(), false);
        Snapshot before = snapshot();

        ApplyResult dry = agent.service.apply(aws(), true);

        assertFalse(dry.applied());
        assertEquals(1, dry.revision());
        assertEquals(List.of(memcached()), dry.diff().forwards().added());
        assertEquals(1, dry.diff().outbounds().added().size());
        assertEquals(before, snapshot());
    }

    @Test
    void reloadAppliesTheConfigFileAndRefusesABadOne() throws Exception {
        Files.writeString(agent.configFile, "{\"forwards\":[" + ModelJson.write(redis()) + "]}");
        ApplyResult reloaded = agent.service.reload();
        assertTrue(reloaded.applied());
        assertAcknowledgedEverywhere(NatState.empty().withForward(redis()));
    }

    @Test
    void reloadOfAnInvalidOrMissingConfigChangesNothing() throws Exception {
        agent.service.addForward(redis(), false);
        Snapshot before = snapshot();

        Files.writeString(
                agent.configFile, "{\"forwards\":[{\"name\":\"Bad Name\",\"listen\":\"1\",\"to\":[\"x:1\"]}]}");
        assertEquals(ErrorCode.VALIDATION, refusal(agent.service::reload));
        Files.delete(agent.configFile);
        assertEquals(ErrorCode.NOT_FOUND, refusal(agent.service::reload));
        assertEquals(before, snapshot());
    }

    @Test
    void validationRefusalsChangeNothing() throws Exception {
        agent.service.apply(aws(), false);
        Snapshot before = snapshot();
        Forward clash = Forward.single("other", Protocol.TCP, 6380, Target.parse("10.0.1.9:1"));

        assertEquals("NAME_TAKEN", invalid(() -> agent.service.addForward(redis(), false)));
        assertEquals("PORT_IN_USE", invalid(() -> agent.service.addForward(clash, false)));
        assertEquals(
                "SSH_PORT_FORWARD",
                invalid(() -> agent.service.addForward(
                        Forward.single("ssh", Protocol.TCP, 22, Target.parse("10.0.1.9:22")), false)));
        assertEquals("NOT_FOUND", invalid(() -> agent.service.removeForward("nope")));
        assertEquals("NOT_FOUND", invalid(() -> agent.service.removeOutbound("nope")));
        assertEquals(
                "NAME_TAKEN",
                invalid(() -> agent.service.addOutbound(
                        new Outbound("private", List.of(Cidr.parse("10.9.0.0/16")), "ens6"))));
        assertEquals("PORT_IN_USE", invalid(() -> agent.service.apply(aws().withForward(clash), false)));
        assertEquals("PORT_IN_USE", invalid(() -> agent.service.apply(aws().withForward(clash), true)));

        assertEquals(before, snapshot());
    }

    @Test
    void theSshPortCanBeForcedAndIsNotAskedAboutAgain() throws Exception {
        Forward ssh = Forward.single("ssh", Protocol.TCP, 22, Target.parse("10.0.1.9:22"));
        agent.service.addForward(ssh, true);
        NatState withSsh = agent.state();

        ApplyResult unchanged = agent.service.apply(withSsh.withForward(redis()), false);

        assertTrue(unchanged.applied(), "re-applying an earlier forced claim needs no force");
    }

    /** An agent's own export applies on a fresh agent, a forced forward on sshd's port included. */
    @Test
    void aForcedForwardRoundTripsThroughTheJsonExport(@TempDir Path freshDir) throws Exception {
        agent.service.apply(aws(), false);
        agent.service.addForward(Forward.single("ssh", Protocol.TCP, 22, Target.parse("10.0.1.9:22")), true);
        String export = agent.service
                .export(dev.natagent.agent.protocol.ExportFormat.JSON)
                .content();
        assertTrue(export.contains("\"force\":true"), export);

        try (ServiceFixture fresh = ServiceFixture.fresh(freshDir)) {
            ApplyResult applied = fresh.service.apply(ModelJson.read(export, NatState.class), false);
            assertTrue(applied.applied());
            assertEquals(agent.state(), fresh.state());
            assertEquals(
                    export,
                    fresh.service
                            .export(dev.natagent.agent.protocol.ExportFormat.JSON)
                            .content());
        }
        // Without the field the same document is refused, as before.
        String unforced = export.replace(",\"force\":true", "");
        try (ServiceFixture fresh = ServiceFixture.fresh(freshDir.resolve("unforced"))) {
            assertEquals(
                    "SSH_PORT_FORWARD",
                    invalid(() -> fresh.service.apply(ModelJson.read(unforced, NatState.class), false)));
        }
    }

    /** sshd moved to a port a forward already had: the export marks that forward forced, or it would not apply. */
    @Test
    void aForwardOnSshdsPortWithoutTheFlagIsExportedForced(@TempDir Path freshDir) throws Exception {
        Forward web = Forward.single("web", Protocol.TCP, 2222, Target.parse("10.0.1.9:80"));
        agent.service.apply(aws().withForward(web), false);
        NatState moved = agent.state().withSettings(new Settings(true, 30, 60, 2222));
        agent.service.apply(moved, false);
        assertEquals(false, agent.state().forward("web").orElseThrow().force());

        String export = agent.service
                .export(dev.natagent.agent.protocol.ExportFormat.JSON)
                .content();

        try (ServiceFixture fresh = ServiceFixture.fresh(freshDir)) {
            NatState document = ModelJson.read(export, NatState.class);
            assertTrue(document.forward("web").orElseThrow().force(), export);
            assertTrue(fresh.service.apply(document, false).applied());
        }
    }

    @Test
    void aKernelRefusalLeavesDiskAndStateUnchanged() throws Exception {
        agent.service.addForward(redis(), false);
        Snapshot before = snapshot();

        agent.kernel.failNextCommit(EPERM);
        assertEquals(ErrorCode.KERNEL_ERROR, refusal(() -> agent.service.addForward(memcached(), false)));
        assertEquals(before, snapshot());

        agent.kernel.failNextCommit(EPERM);
        assertEquals(ErrorCode.KERNEL_ERROR, refusal(() -> agent.service.apply(aws(), false)));
        assertEquals(before, snapshot());

        agent.service.addForward(memcached(), false);
        assertAcknowledgedEverywhere(NatState.empty().withForward(redis()).withForward(memcached()));
    }

    @Test
    void aRefusedElementBatchThatAFullReconcileAlsoFailsChangesNothing() throws Exception {
        agent.service.addForward(redis(), false);
        Snapshot before = snapshot();
        int einval = 22;

        // The element batch is refused, the fallback full reconcile is refused too.
        agent.kernel.failNextCommit(einval);
        agent.kernel.failNextCommit(einval);
        AdminException failed = assertThrows(AdminException.class, () -> agent.service.removeForward("redis"));

        assertEquals(ErrorCode.KERNEL_ERROR, failed.code());
        assertTrue(failed.getMessage().contains("nothing was changed"), failed.getMessage());
        assertEquals(before, snapshot());
    }

    @Test
    void aJournalWriteFailureTakesTheKernelChangeBack() throws Exception {
        agent.service.addForward(redis(), false);
        Snapshot before = snapshot();
        agent.store.close(); // every later write to the journal fails

        AdminException element = assertThrows(AdminException.class, () -> agent.service.addForward(memcached(), false));
        assertEquals(ErrorCode.STORAGE, element.code());
        assertTrue(element.getMessage().contains("nothing was changed"), element.getMessage());
        assertEquals(before, snapshot(), "element change rolled back");

        assertEquals(ErrorCode.STORAGE, refusal(() -> agent.service.apply(aws(), false)));
        assertEquals(before, snapshot(), "full reconcile (outbound) rolled back");

        assertEquals(ErrorCode.STORAGE, refusal(() -> agent.service.removeForward("redis")));
        assertEquals(before, snapshot(), "removal rolled back");
        assertEquals("ok", agent.service.status().health());
    }

    @Test
    void corruptStateRefusesEveryChangeAndReportsFailed() throws Exception {
        agent.close();
        Path brokenDir = dir.resolve("broken");
        Files.createDirectories(brokenDir.resolve("state"));
        Files.writeString(brokenDir.resolve("state").resolve(StateStore.SNAPSHOT), "{\"schema_version\":1,\"rev");
        StateCorruptException corrupt =
                assertThrows(StateCorruptException.class, () -> StateStore.open(brokenDir.resolve("state")));
        agent = ServiceFixture.corrupt(brokenDir, corrupt.getMessage());
        Files.writeString(agent.configFile, "{\"forwards\":[" + ModelJson.write(redis()) + "]}");
        Snapshot before = snapshot();

        List<Executable> mutations = List.of(
                () -> agent.service.addForward(redis(), false),
                () -> agent.service.removeForward("redis"),
                () -> agent.service.addOutbound(new Outbound("p", List.of(Cidr.parse("10.0.0.0/16")), "ens5")),
                () -> agent.service.removeOutbound("p"),
                () -> agent.service.apply(aws(), false),
                agent.service::reload);
        for (Executable mutation : mutations) {
            AdminException refused = assertThrows(AdminException.class, mutation);
            assertEquals(ErrorCode.STATE_CORRUPT, refused.code());
            assertTrue(refused.getMessage().contains("persisted NAT state is unusable"), refused.getMessage());
        }

        assertEquals("failed", agent.service.status().health());
        assertTrue(agent.service.status().message().contains(StateStore.SNAPSHOT));
        assertTrue(agent.service.apply(aws(), true).diff().forwards().added().size() == 2, "dry run still answers");
        assertEquals(before, snapshot());
        assertTrue(agent.service.doctor().findings().stream()
                .anyMatch(f -> f.check().equals("state") && f.severity().name().equals("ERROR")));
    }

    @Test
    void aDnsTargetIsProgrammedWithItsAddressAndShownInTheViews() throws Exception {
        agent.dns.put("node-1.cache.test", List.of(Ipv4.parse("10.0.1.240")));
        Forward byName = Forward.single("mc", Protocol.TCP, 11211, Target.parse("node-1.cache.test:11211"));

        agent.service.addForward(byName, false);

        assertTrue(agent.kernelDump().contains("tcp . 11211 : 10.0.1.240 . 11211"), agent.kernelDump());
        ForwardView view = agent.service.getForward("mc");
        assertEquals("10.0.1.240", view.targets().get(0).address());
        assertEquals("node-1.cache.test:11211", view.targets().get(0).target());
        assertEquals("NOT_FOUND", invalid(() -> agent.service.getForward("nope")));
    }

    @Test
    void anUnresolvedDnsTargetIsAcceptedButGetsNoDnatMapping() throws Exception {
        Forward byName = Forward.single("mc", Protocol.TCP, 11211, Target.parse("gone.cache.test:11211"));

        agent.service.addForward(byName, false);

        // No DNAT mapping ("tcp . 11211 : ADDRESS . PORT"); its counter entry is in place already.
        String dnatMapping = "(?s).*tcp \\. 11211 : \\d.*";
        assertFalse(agent.kernelDump().matches(dnatMapping), agent.kernelDump());
        assertTrue(agent.kernelDump().contains("tcp . 11211 : accept"), agent.kernelDump());
        assertEquals(null, agent.service.getForward("mc").targets().get(0).address());
        assertTrue(agent.service.doctor().findings().stream()
                .anyMatch(f -> f.check().equals("target_resolved")));
        assertFalse(agent.service
                .export(dev.natagent.agent.protocol.ExportFormat.NFT)
                .content()
                .matches(dnatMapping));
    }

    /**
     * A bulk apply is announced before it goes to the kernel and reported after, applied or refused
     * (the daemon loosens its heap policy for it, then returns the heap it grew); small ones and dry
     * runs are neither.
     */
    @Test
    void anApplyOfThousandsOfForwardsIsABulkChangeFromStartToEnd() throws Exception {
        List<Forward> many = new java.util.ArrayList<>();
        for (int i = 0; i < NatService.BULK_CHANGES; i++) {
            many.add(
                    Forward.single("f" + i, Protocol.TCP, 20_000 + i, Target.parse("10.0.2." + (1 + i % 250) + ":80")));
        }
        NatState bulk = NatState.of(Settings.DEFAULTS, many, List.of());

        agent.service.apply(bulk, true);
        agent.service.apply(aws(), false);
        assertEquals(0, agent.bulkStarts.get(), "a dry run and a small apply");
        assertEquals(0, agent.bulkChanges.get(), "a dry run and a small apply");

        agent.kernel.failNextCommit(EPERM);
        assertEquals(ErrorCode.KERNEL_ERROR, refusal(() -> agent.service.apply(bulk, false)));
        assertEquals(1, agent.bulkStarts.get(), "announced before the kernel refused it");
        assertEquals(1, agent.bulkChanges.get(), "a refused bulk apply is over too");

        int commits = agent.kernel.commits();
        agent.service.apply(bulk, false);
        assertEquals(commits + 1, agent.kernel.commits());
        assertEquals(2, agent.bulkChanges.get());
        agent.service.apply(bulk.withoutForward("f0"), false);
        assertEquals(2, agent.bulkStarts.get(), "one forward less is no bulk change");
        assertEquals(2, agent.bulkChanges.get(), "one forward less is no bulk change");
    }

    /**
     * A large uploaded document is a bulk change from before its parse (which grows the heap as
     * much as the commit), once, and over when its parse fails too; a small one is not.
     */
    @Test
    void aLargeUploadedDocumentIsABulkChangeFromBeforeItsParse() throws Exception {
        agent.service.applyDocument(() -> aws(), NatService.BULK_DOCUMENT_CHARS - 1, false);
        assertEquals(0, agent.bulkStarts.get(), "a small document");

        NatState parsed = aws().withoutForward("redis");
        ApplyResult result = agent.service.applyDocument(
                () -> {
                    assertEquals(1, agent.bulkStarts.get(), "announced before the parse");
                    assertEquals(0, agent.bulkChanges.get());
                    return parsed;
                },
                NatService.BULK_DOCUMENT_CHARS,
                false);
        assertTrue(result.applied());
        assertEquals(parsed, agent.service.state());
        assertEquals(1, agent.bulkStarts.get(), "announced once, not again by the apply inside");
        assertEquals(1, agent.bulkChanges.get());

        ValidationException unparsable = new ValidationException("forwards[0].listen", ErrorCode.INVALID_PORT, "bad");
        assertThrows(
                ValidationException.class,
                () -> agent.service.applyDocument(
                        () -> {
                            throw unparsable;
                        },
                        NatService.BULK_DOCUMENT_CHARS,
                        true));
        assertEquals(2, agent.bulkStarts.get());
        assertEquals(2, agent.bulkChanges.get(), "over when the parse fails");
    }

    @Test
    void statusCountsAndRevision() throws Exception {
        agent.service.apply(aws(), false);
        var status = agent.service.status();
        assertEquals("ok", status.health());
        assertEquals(1, status.revision());
        assertEquals(2, status.forwards());
        assertEquals(1, status.outbounds());
        assertEquals("on", status.ipForward());
        assertEquals("in_sync", status.kernelTable());

        agent.health.kernelDrifted("someone flushed it");
        assertEquals("degraded", agent.service.status().health());
        assertNotEquals("", agent.service.status().message());
    }

    /** Everything a refused change must leave alone: the files, the kernel and the state in memory. */
    private record Snapshot(Map<String, String> disk, String kernel, NatState state) {}

    private Snapshot snapshot() throws Exception {
        return new Snapshot(agent.diskBytes(), agent.kernelDump(), agent.state());
    }

    private static ErrorCode refusal(Executable call) {
        return assertThrows(AdminException.class, call).code();
    }

    private static String invalid(Executable call) {
        return assertThrows(ValidationException.class, call).first().code().name();
    }
}
