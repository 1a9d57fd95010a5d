package dev.natagent.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.nft.Batch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rendered states, loaded into the fake kernel and printed, against readable fixtures. */
class RendererTest {
    @Test
    void awsExampleWithMasquerade() throws IOException {
        assertEquals(fixture("aws-masquerade.txt"), rendered(Desired.of(ElastiCacheGuide.aws())));
    }

    @Test
    void awsExampleWithSnatToThePrivateAddress() throws IOException {
        assertEquals(fixture("aws-snat.txt"), rendered(Desired.of(ElastiCacheGuide.awsSnat())));
    }

    @Test
    void emptyStateHasTheFixedRulesAndNoElements() throws IOException {
        assertEquals(fixture("empty.txt"), rendered(Desired.of(NatState.empty())));
    }

    @Test
    void dnsTargetsAppearOnceResolvedAndNotBefore() {
        Forward node = Forward.single("node", Protocol.UDP, 5000, Target.parse("node-1.cache.example.com:5001"));
        NatState state = NatState.empty().withForward(node);

        Ruleset unresolved = Renderer.render(Desired.of(state));
        Ruleset resolved =
                Renderer.render(new Desired(state, Map.of("node-1.cache.example.com", Ipv4.parse("10.0.1.9"))));

        assertEquals(0, unresolved.elementsOf(KernelLayout.SET_FORWARDS).size());
        assertEquals("udp . 5000 : 10.0.1.9 . 5001", NftTextLines.elements(resolved, KernelLayout.SET_FORWARDS));
    }

    /**
     * Return paths are keyed by listen port (conntrack's original destination), so forwards to one
     * target may each have their own; masquerade, the default, needs no element at all.
     */
    @Test
    void returnPathsAreKeyedByListenPortAndMasqueradeNeedsNoElement() {
        Forward masquerade = Forward.single("a", Protocol.TCP, 7001, Target.parse("10.0.1.5:80"));
        Forward snat = toNode5("b", Protocol.TCP, 7002, ReturnPath.parse("10.0.1.1"));
        Forward none = toNode5("c", Protocol.UDP, 7003, ReturnPath.NONE);
        Ruleset rendered =
                Renderer.render(Desired.of(NatState.of(Settings.DEFAULTS, List.of(masquerade, snat, none), List.of())));

        assertEquals("tcp . 7002 : 10.0.1.1", NftTextLines.elements(rendered, KernelLayout.SET_SNAT_PORTS));
        assertEquals("udp . 7003", NftTextLines.elements(rendered, KernelLayout.SET_PLAIN_PORTS));
        assertEquals(3, rendered.elementsOf(KernelLayout.SET_FORWARDS).size());
        assertEquals(
                "tcp . 7001 : accept\ntcp . 7002 : accept\nudp . 7003 : accept",
                NftTextLines.elements(rendered, KernelLayout.SET_PORTS));
    }

    /** Unresolved targets have no DNAT mapping, but their counter and allow-list are in place. */
    @Test
    void aListenPortIsCountedAndGuardedBeforeItsTargetResolves() {
        Forward guarded = new Forward(
                "g",
                Protocol.TCP,
                PortRange.parse("6379-6380"),
                List.of(Target.parse("node-1.cache.example.com:6379"), Target.parse("node-2.cache.example.com:6379")),
                List.of(Cidr.parse("198.51.100.27/32")),
                ReturnPath.MASQUERADE);

        Ruleset rendered = Renderer.render(Desired.of(NatState.empty().withForward(guarded)));

        String group = AllowGroup.of(guarded.allow()).name();
        assertEquals(0, rendered.elementsOf(KernelLayout.SET_FORWARDS).size());
        assertEquals(
                "tcp . 6379 : goto " + group + "\ntcp . 6380 : goto " + group,
                NftTextLines.elements(rendered, KernelLayout.SET_PORTS));
        assertEquals("198.51.100.27\n198.51.100.28 (interval end)", NftTextLines.elements(rendered, group));
    }

    @Test
    void overlappingAllowListsAreMergedBeforeTheyReachTheKernel() {
        Forward forward = new Forward(
                "f",
                Protocol.TCP,
                PortRange.single(6379),
                List.of(Target.parse("10.0.1.5:6379")),
                List.of(Cidr.parse("198.51.100.0/25"), Cidr.parse("198.51.100.128/25"), Cidr.parse("198.51.100.27/32")),
                ReturnPath.MASQUERADE);

        Ruleset rendered = Renderer.render(Desired.of(NatState.empty().withForward(forward)));

        String group = AllowGroup.of(forward.allow()).name();
        assertEquals("198.51.100.0\n198.51.101.0 (interval end)", NftTextLines.elements(rendered, group));
    }

    /**
     * Forwards whose allow-lists admit the same addresses, however written, share one chain and
     * set; another list gets its own; a list that runs to the last address has no end element.
     */
    @Test
    void forwardsShareTheChainAndSetOfEqualAllowLists() {
        NatState state = NatState.empty()
                .withForward(allowing("a", 7001, "198.51.100.0/25", "198.51.100.128/25"))
                .withForward(allowing("b", 7002, "198.51.100.0/24"))
                .withForward(allowing("c", 7003, "203.0.113.0/24", "255.255.255.0/24"))
                .withForward(toNode5("open", Protocol.TCP, 7004, ReturnPath.MASQUERADE));

        Ruleset rendered = Renderer.render(Desired.of(state));

        String shared = AllowGroup.of(List.of(Cidr.parse("198.51.100.0/24"))).name();
        String other = AllowGroup.of(List.of(Cidr.parse("255.255.255.0/24"), Cidr.parse("203.0.113.0/24")))
                .name();
        assertNotEquals(shared, other);
        assertEquals(
                "tcp . 7001 : goto " + shared + "\ntcp . 7002 : goto " + shared + "\ntcp . 7003 : goto " + other
                        + "\ntcp . 7004 : accept",
                NftTextLines.elements(rendered, KernelLayout.SET_PORTS));
        assertEquals("203.0.113.0\n203.0.114.0 (interval end)\n255.255.255.0", NftTextLines.elements(rendered, other));
        List<String> groupChains = rendered.chains().stream()
                .map(chain -> chain.name())
                .filter(KernelLayout::isAllowGroup)
                .toList();
        assertEquals(List.of(shared, other), groupChains);
        assertEquals(1, rendered.rulesOf(shared).size());
        assertTrue(shared.matches("allow_[0-9a-f]{16}"), shared);
    }

    private static Forward allowing(String name, int port, String... allow) {
        return new Forward(
                name,
                Protocol.TCP,
                PortRange.single(port),
                List.of(Target.parse("10.0.1.5:80")),
                Arrays.stream(allow).map(Cidr::parse).toList(),
                ReturnPath.MASQUERADE);
    }

    private static Forward toNode5(String name, Protocol proto, int port, ReturnPath returnPath) {
        return new Forward(
                name, proto, PortRange.single(port), List.of(Target.parse("10.0.1.5:80")), List.of(), returnPath);
    }

    static String rendered(Desired desired) throws IOException {
        FakeKernel kernel = new FakeKernel();
        Batch batch = Batch.ipv4();
        Planner.create(batch, Renderer.render(desired));
        kernel.commit(batch);
        return kernel.dump(KernelLayout.TABLE);
    }

    static String fixture(String name) throws IOException {
        try (InputStream in = RendererTest.class.getResourceAsStream("/reconcile/" + name)) {
            if (in == null) {
                throw new IOException("missing fixture /reconcile/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
