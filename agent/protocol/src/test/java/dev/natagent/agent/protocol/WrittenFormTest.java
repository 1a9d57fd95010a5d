package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.ClusterNode;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.HaPair;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Role;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.StateChange;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.TestJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The JSON each record of the model and of the protocol writes, byte for byte: the snapshot and
 * the journal are read back by older and newer daemons, and natctl reads the replies. Every
 * optional field is here both present and absent, with text that needs escaping; each written form
 * also reads back to the record it came from.
 */
class WrittenFormTest {
    private record Pin(JsonWritable value, String json, Function<String, Object> reader) {}

    private static Pin pin(JsonWritable value, String json, Function<String, Object> reader) {
        return new Pin(value, json, reader);
    }

    @TestFactory
    Stream<DynamicTest> eachRecordWritesItsFormAndReadsBack() {
        return pins().stream()
                .map(pin -> DynamicTest.dynamicTest(pin.json(), () -> {
                    assertEquals(pin.json(), JsonWriting.toText(pin.value()));
                    // A stream gets the same text as UTF-8 (what the snapshot, journal and socket carry).
                    assertArrayEquals(pin.json().getBytes(StandardCharsets.UTF_8), JsonWriting.toBytes(pin.value()));
                    if (pin.reader() != null) {
                        assertEquals(pin.value(), pin.reader().apply(pin.json()));
                    }
                }));
    }

    /** The journal's form of a list of changes: one array, each change with its type id first. */
    @Test
    void changesAreOneArrayOfTaggedObjects() {
        List<StateChange> changes = List.of(new StateChange.RemoveForward("r"), new StateChange.PutOutbound(ob()));
        assertEquals(
                "[{\"op\":\"remove_forward\",\"name\":\"r\"},"
                        + "{\"op\":\"put_outbound\",\"outbound\":{\"name\":\"private\",\"source\":[\"10.0.0.0/16\"],\"out\":\"ens5\"}}]",
                JsonWriting.toText(out -> StateChange.writeAll(changes, out)));
    }

    private static JsonNode tree(String json) {
        try {
            return TestJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Forward forward(String name, boolean force) {
        return new Forward(
                name,
                Protocol.UDP,
                PortRange.parse("7000-7001"),
                List.of(Target.parse("10.0.1.230:6379"), Target.parse("Node-1.Example.com:6380")),
                List.of(Cidr.parse("198.51.100.0/24")),
                ReturnPath.parse("203.0.113.5"),
                force);
    }

    private static Outbound ob() {
        return new Outbound("private", List.of(Cidr.parse("10.0.0.0/16")), "ens5");
    }

    private static List<Pin> pins() {
        Settings plain = Settings.DEFAULTS;
        Settings full = new Settings(
                false,
                10,
                20,
                2222,
                Ipv4.parse("203.0.113.9"),
                new HaPair(List.of(Ipv4.parse("203.0.113.10"), Ipv4.parse("10.0.1.10")), null));
        Outbound ob = ob();
        ClusterSpec spec = new ClusterSpec(
                "orders",
                ClusterEngine.REDIS,
                Target.parse("cfg.example.com:6379"),
                PortRange.parse("7000-7099"),
                List.of(Cidr.parse("10.0.0.0/8")),
                null,
                true,
                "/etc/ca.pem",
                "/etc/a\u00e9\"\\.auth",
                Ipv4.parse("203.0.113.73"),
                null,
                30,
                null);
        ClusterSpec mem = new ClusterSpec(
                "mc",
                ClusterEngine.MEMCACHED,
                Target.parse("cfg.example.com:11211"),
                PortRange.parse("8000-8099"),
                null,
                ReturnPath.parse("none"),
                null,
                null,
                null,
                null,
                5,
                null,
                11211);
        ClusterNode n1 =
                new ClusterNode("07c3", "node-1.example.com", Ipv4.parse("10.0.1.230"), 6379, Role.PRIMARY, 7000, null);
        ClusterNode n2 = new ClusterNode("07c4", null, Ipv4.parse("10.0.1.231"), 6379, Role.REPLICA, 7001, 1700000000L);
        Cluster polled = new Cluster(spec, 42, List.of(n1, n2));
        Cluster emptyCluster = Cluster.of(mem);
        NatState s1 = NatState.of(plain, List.of(forward("a", false), forward("b", true)), List.of(ob));
        NatState s2 = NatState.of(
                full,
                List.of(forward("a", true), Forward.single("c", Protocol.TCP, 99, Target.parse("10.0.0.1:1"))),
                List.of(),
                List.of(polled, emptyCluster));
        StateDiff diff = StateDiff.between(s1, s2);
        StateDiff noDiff = StateDiff.between(s1, s1);
        StatusView single = new StatusView("ok", "", "1.0", 5, 6, 7, 8, "on", true, "in_sync", 1, 2, 3, null, 4, 5);
        StatusView paired = new StatusView(
                "degraded",
                "m\"",
                "1.0",
                5,
                6,
                7,
                8,
                "on",
                false,
                "drifted",
                1,
                2,
                3,
                new HaView("active", List.of("1.1.1.1"), List.of(), "running", "/s"),
                4,
                5);
        ForwardView fv = new ForwardView(
                "a",
                "tcp",
                "7000",
                List.of(
                        new TargetView("10.0.0.1:1", "10.0.0.1", Health.UP),
                        new TargetView(
                                "x.example:1",
                                null,
                                Health.UNKNOWN,
                                "stale",
                                "2026-01-01T00:00:00Z",
                                "no \u2028 answer\t")),
                List.of("10.0.0.0/8"),
                "masquerade",
                5,
                1L << 40,
                Health.PARTIAL);
        ForwardView clusterFv =
                new ForwardView("b.7000", "udp", "1-2", List.of(), List.of(), "none", 0, 0, Health.DOWN, "b");
        ClusterView cv = new ClusterView(
                "orders",
                "redis",
                "cfg:1",
                "7000-7099",
                List.of("1.2.3.0/24"),
                "masquerade",
                true,
                "/ca",
                null,
                "1.2.3.4",
                10,
                300,
                null,
                7,
                List.of(
                        new ClusterView.Node("i", "h", "10.0.0.1", 1, "primary", 7000, "orders.7000", null),
                        new ClusterView.Node("j", null, "10.0.0.2", 1, "replica", 7001, null, "2026")),
                new ClusterView.Poll("ok", 3, 1, 2, "t1", null, "boom", "TLS"));
        ClusterView cv2 = new ClusterView(
                "mc",
                "memcached",
                "cfg:1",
                "8000-8099",
                List.of(),
                "none",
                false,
                null,
                "/auth",
                null,
                10,
                300,
                11211,
                0,
                List.of(),
                new ClusterView.Poll("pending", 0, 0, 0, null, null, null, null));
        Map<String, ClusterMap.Dial> dials = new LinkedHashMap<>();
        dials.put("10.0.1.230:6379", new ClusterMap.Dial("203.0.113.73", 7000));
        dials.put("h:6379", new ClusterMap.Dial("203.0.113.73", 7001));
        DoctorReport doctor = DoctorReport.of(List.of(
                new Finding(Finding.Severity.OK, "ip_forward", "on", ""),
                new Finding(Finding.Severity.UNCHECKED, "x", "y", "z")));
        ApplyResult applied = new ApplyResult(true, 9, diff);
        return List.of(
                pin(
                        plain,
                        "{\"manage_ip_forward\":true,\"resolve_interval_seconds\":30,\"full_check_interval_seconds\":60}",
                        json -> ModelJson.read(json, Settings.class)),
                pin(
                        full,
                        "{\"manage_ip_forward\":false,\"resolve_interval_seconds\":10,\"full_check_interval_seconds\":20,\"ssh_port\":2222,\"public_address\":\"203.0.113.9\",\"ha\":{\"floating_addresses\":[\"203.0.113.10\",\"10.0.1.10\"],\"conntrackd_socket\":\"/var/run/conntrackd-nat-pair.ctl\"}}",
                        json -> ModelJson.read(json, Settings.class)),
                pin(
                        ob,
                        "{\"name\":\"private\",\"source\":[\"10.0.0.0/16\"],\"out\":\"ens5\"}",
                        json -> ModelJson.read(json, Outbound.class)),
                pin(
                        n1,
                        "{\"id\":\"07c3\",\"host\":\"node-1.example.com\",\"address\":\"10.0.1.230\",\"port\":6379,\"role\":\"primary\",\"listen_port\":7000}",
                        null), // read back inside a cluster below
                pin(
                        n2,
                        "{\"id\":\"07c4\",\"address\":\"10.0.1.231\",\"port\":6379,\"role\":\"replica\",\"listen_port\":7001,\"vanished_at\":1700000000}",
                        null), // read back inside a cluster below
                pin(
                        spec,
                        "{\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"cfg.example.com:6379\",\"listen\":\"7000-7099\",\"allow\":[\"10.0.0.0/8\"],\"snat\":\"masquerade\",\"tls\":true,\"ca_file\":\"/etc/ca.pem\",\"auth_file\":\"/etc/a\u00e9\\\"\\\\.auth\",\"public_address\":\"203.0.113.73\",\"poll_interval_seconds\":10,\"grace_seconds\":30}",
                        json -> ModelJson.read(json, ClusterSpec.class)),
                pin(
                        mem,
                        "{\"name\":\"mc\",\"engine\":\"memcached\",\"endpoint\":\"cfg.example.com:11211\",\"listen\":\"8000-8099\",\"allow\":[],\"snat\":\"none\",\"tls\":false,\"poll_interval_seconds\":5,\"grace_seconds\":300,\"config_port\":11211}",
                        json -> ModelJson.read(json, ClusterSpec.class)),
                pin(
                        polled,
                        "{\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"cfg.example.com:6379\",\"listen\":\"7000-7099\",\"allow\":[\"10.0.0.0/8\"],\"snat\":\"masquerade\",\"tls\":true,\"ca_file\":\"/etc/ca.pem\",\"auth_file\":\"/etc/a\u00e9\\\"\\\\.auth\",\"public_address\":\"203.0.113.73\",\"poll_interval_seconds\":10,\"grace_seconds\":30,\"version\":42,\"nodes\":[{\"id\":\"07c3\",\"host\":\"node-1.example.com\",\"address\":\"10.0.1.230\",\"port\":6379,\"role\":\"primary\",\"listen_port\":7000},{\"id\":\"07c4\",\"address\":\"10.0.1.231\",\"port\":6379,\"role\":\"replica\",\"listen_port\":7001,\"vanished_at\":1700000000}]}",
                        json -> ModelJson.read(json, Cluster.class)),
                pin(
                        emptyCluster,
                        "{\"name\":\"mc\",\"engine\":\"memcached\",\"endpoint\":\"cfg.example.com:11211\",\"listen\":\"8000-8099\",\"allow\":[],\"snat\":\"none\",\"tls\":false,\"poll_interval_seconds\":5,\"grace_seconds\":300,\"config_port\":11211,\"version\":0}",
                        json -> ModelJson.read(json, Cluster.class)),
                pin(
                        s1,
                        "{\"schema_version\":1,\"settings\":{\"manage_ip_forward\":true,\"resolve_interval_seconds\":30,\"full_check_interval_seconds\":60},\"forwards\":[{\"name\":\"a\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\"},{\"name\":\"b\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\",\"force\":true}],\"outbounds\":[{\"name\":\"private\",\"source\":[\"10.0.0.0/16\"],\"out\":\"ens5\"}]}",
                        json -> ModelJson.read(json, NatState.class)),
                pin(
                        s2,
                        "{\"schema_version\":1,\"settings\":{\"manage_ip_forward\":false,\"resolve_interval_seconds\":10,\"full_check_interval_seconds\":20,\"ssh_port\":2222,\"public_address\":\"203.0.113.9\",\"ha\":{\"floating_addresses\":[\"203.0.113.10\",\"10.0.1.10\"],\"conntrackd_socket\":\"/var/run/conntrackd-nat-pair.ctl\"}},\"forwards\":[{\"name\":\"a\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\",\"force\":true},{\"name\":\"c\",\"proto\":\"tcp\",\"listen\":\"99\",\"to\":[\"10.0.0.1:1\"],\"allow\":[],\"snat\":\"masquerade\"}],\"outbounds\":[],\"clusters\":[{\"name\":\"mc\",\"engine\":\"memcached\",\"endpoint\":\"cfg.example.com:11211\",\"listen\":\"8000-8099\",\"allow\":[],\"snat\":\"none\",\"tls\":false,\"poll_interval_seconds\":5,\"grace_seconds\":300,\"config_port\":11211,\"version\":0},{\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"cfg.example.com:6379\",\"listen\":\"7000-7099\",\"allow\":[\"10.0.0.0/8\"],\"snat\":\"masquerade\",\"tls\":true,\"ca_file\":\"/etc/ca.pem\",\"auth_file\":\"/etc/a\u00e9\\\"\\\\.auth\",\"public_address\":\"203.0.113.73\",\"poll_interval_seconds\":10,\"grace_seconds\":30,\"version\":42,\"nodes\":[{\"id\":\"07c3\",\"host\":\"node-1.example.com\",\"address\":\"10.0.1.230\",\"port\":6379,\"role\":\"primary\",\"listen_port\":7000},{\"id\":\"07c4\",\"address\":\"10.0.1.231\",\"port\":6379,\"role\":\"replica\",\"listen_port\":7001,\"vanished_at\":1700000000}]}]}",
                        json -> ModelJson.read(json, NatState.class)),
                pin(
                        diff,
                        "{\"forwards\":{\"added\":[{\"name\":\"c\",\"proto\":\"tcp\",\"listen\":\"99\",\"to\":[\"10.0.0.1:1\"],\"allow\":[],\"snat\":\"masquerade\"}],\"removed\":[{\"name\":\"b\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\",\"force\":true}],\"changed\":[{\"before\":{\"name\":\"a\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\"},\"after\":{\"name\":\"a\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\",\"force\":true}}],\"empty\":false},\"outbounds\":{\"added\":[],\"removed\":[{\"name\":\"private\",\"source\":[\"10.0.0.0/16\"],\"out\":\"ens5\"}],\"changed\":[],\"empty\":false},\"settings\":{\"before\":{\"manage_ip_forward\":true,\"resolve_interval_seconds\":30,\"full_check_interval_seconds\":60},\"after\":{\"manage_ip_forward\":false,\"resolve_interval_seconds\":10,\"full_check_interval_seconds\":20,\"ssh_port\":2222,\"public_address\":\"203.0.113.9\",\"ha\":{\"floating_addresses\":[\"203.0.113.10\",\"10.0.1.10\"],\"conntrackd_socket\":\"/var/run/conntrackd-nat-pair.ctl\"}}},\"clusters\":{\"added\":[{\"name\":\"mc\",\"engine\":\"memcached\",\"endpoint\":\"cfg.example.com:11211\",\"listen\":\"8000-8099\",\"allow\":[],\"snat\":\"none\",\"tls\":false,\"poll_interval_seconds\":5,\"grace_seconds\":300,\"config_port\":11211,\"version\":0},{\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"cfg.example.com:6379\",\"listen\":\"7000-7099\",\"allow\":[\"10.0.0.0/8\"],\"snat\":\"masquerade\",\"tls\":true,\"ca_file\":\"/etc/ca.pem\",\"auth_file\":\"/etc/a\u00e9\\\"\\\\.auth\",\"public_address\":\"203.0.113.73\",\"poll_interval_seconds\":10,\"grace_seconds\":30,\"version\":42,\"nodes\":[{\"id\":\"07c3\",\"host\":\"node-1.example.com\",\"address\":\"10.0.1.230\",\"port\":6379,\"role\":\"primary\",\"listen_port\":7000},{\"id\":\"07c4\",\"address\":\"10.0.1.231\",\"port\":6379,\"role\":\"replica\",\"listen_port\":7001,\"vanished_at\":1700000000}]}],\"removed\":[],\"changed\":[],\"empty\":false},\"empty\":false}",
                        null),
                pin(
                        noDiff,
                        "{\"forwards\":{\"added\":[],\"removed\":[],\"changed\":[],\"empty\":true},\"outbounds\":{\"added\":[],\"removed\":[],\"changed\":[],\"empty\":true},\"empty\":true}",
                        null),
                pin(
                        forward("z", false),
                        "{\"name\":\"z\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\"}",
                        json -> ModelJson.read(json, Forward.class)),
                pin(
                        forward("y", true),
                        "{\"name\":\"y\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\",\"force\":true}",
                        json -> ModelJson.read(json, Forward.class)),
                pin(
                        single,
                        "{\"health\":\"ok\",\"message\":\"\",\"version\":\"1.0\",\"uptime_seconds\":5,\"revision\":6,\"forwards\":7,\"outbounds\":8,\"ip_forward\":\"on\",\"ip_forward_managed\":true,\"kernel_table\":\"in_sync\",\"drift_corrections\":1,\"stale_targets\":2,\"unresolved_targets\":3,\"clusters\":4,\"failing_clusters\":5}",
                        json -> StatusView.read(tree(json))),
                pin(
                        paired,
                        "{\"health\":\"degraded\",\"message\":\"m\\\"\",\"version\":\"1.0\",\"uptime_seconds\":5,\"revision\":6,\"forwards\":7,\"outbounds\":8,\"ip_forward\":\"on\",\"ip_forward_managed\":false,\"kernel_table\":\"drifted\",\"drift_corrections\":1,\"stale_targets\":2,\"unresolved_targets\":3,\"ha\":{\"role\":\"active\",\"held\":[\"1.1.1.1\"],\"not_held\":[],\"conntrackd\":\"running\",\"conntrackd_socket\":\"/s\"},\"clusters\":4,\"failing_clusters\":5}",
                        json -> StatusView.read(tree(json))),
                pin(
                        fv,
                        "{\"name\":\"a\",\"proto\":\"tcp\",\"listen\":\"7000\",\"targets\":[{\"target\":\"10.0.0.1:1\",\"address\":\"10.0.0.1\",\"health\":\"up\",\"dns\":null,\"stale_since\":null,\"dns_error\":null},{\"target\":\"x.example:1\",\"address\":null,\"health\":\"unknown\",\"dns\":\"stale\",\"stale_since\":\"2026-01-01T00:00:00Z\",\"dns_error\":\"no \u2028 answer\\t\"}],\"allow\":[\"10.0.0.0/8\"],\"snat\":\"masquerade\",\"packets\":5,\"bytes\":1099511627776,\"health\":\"partial\"}",
                        json -> ForwardView.read(tree(json))),
                pin(
                        clusterFv,
                        "{\"name\":\"b.7000\",\"proto\":\"udp\",\"listen\":\"1-2\",\"targets\":[],\"allow\":[],\"snat\":\"none\",\"packets\":0,\"bytes\":0,\"health\":\"down\",\"cluster\":\"b\"}",
                        json -> ForwardView.read(tree(json))),
                pin(
                        new ForwardChange(3, fv),
                        "{\"revision\":3,\"forward\":{\"name\":\"a\",\"proto\":\"tcp\",\"listen\":\"7000\",\"targets\":[{\"target\":\"10.0.0.1:1\",\"address\":\"10.0.0.1\",\"health\":\"up\",\"dns\":null,\"stale_since\":null,\"dns_error\":null},{\"target\":\"x.example:1\",\"address\":null,\"health\":\"unknown\",\"dns\":\"stale\",\"stale_since\":\"2026-01-01T00:00:00Z\",\"dns_error\":\"no \u2028 answer\\t\"}],\"allow\":[\"10.0.0.0/8\"],\"snat\":\"masquerade\",\"packets\":5,\"bytes\":1099511627776,\"health\":\"partial\"}}",
                        json -> ForwardChange.read(tree(json))),
                pin(
                        new ForwardUpdate(4, clusterFv, "to a -> b"),
                        "{\"revision\":4,\"forward\":{\"name\":\"b.7000\",\"proto\":\"udp\",\"listen\":\"1-2\",\"targets\":[],\"allow\":[],\"snat\":\"none\",\"packets\":0,\"bytes\":0,\"health\":\"down\",\"cluster\":\"b\"},\"changes\":\"to a -> b\"}",
                        json -> ForwardUpdate.read(tree(json))),
                pin(
                        new ForwardUpdate(4, clusterFv, ""),
                        "{\"revision\":4,\"forward\":{\"name\":\"b.7000\",\"proto\":\"udp\",\"listen\":\"1-2\",\"targets\":[],\"allow\":[],\"snat\":\"none\",\"packets\":0,\"bytes\":0,\"health\":\"down\",\"cluster\":\"b\"},\"changes\":\"\"}",
                        json -> ForwardUpdate.read(tree(json))),
                pin(
                        cv,
                        "{\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"cfg:1\",\"listen\":\"7000-7099\",\"allow\":[\"1.2.3.0/24\"],\"snat\":\"masquerade\",\"tls\":true,\"ca_file\":\"/ca\",\"public_address\":\"1.2.3.4\",\"poll_interval_seconds\":10,\"grace_seconds\":300,\"version\":7,\"nodes\":[{\"id\":\"i\",\"host\":\"h\",\"address\":\"10.0.0.1\",\"port\":1,\"role\":\"primary\",\"listen_port\":7000,\"forward\":\"orders.7000\"},{\"id\":\"j\",\"address\":\"10.0.0.2\",\"port\":1,\"role\":\"replica\",\"listen_port\":7001,\"vanished_at\":\"2026\"}],\"poll\":{\"state\":\"ok\",\"polls\":3,\"failures\":1,\"topology_changes\":2,\"last_poll\":\"t1\",\"error\":\"boom\",\"error_kind\":\"TLS\"}}",
                        json -> ClusterView.read(tree(json))),
                pin(
                        cv2,
                        "{\"name\":\"mc\",\"engine\":\"memcached\",\"endpoint\":\"cfg:1\",\"listen\":\"8000-8099\",\"allow\":[],\"snat\":\"none\",\"tls\":false,\"auth_file\":\"/auth\",\"poll_interval_seconds\":10,\"grace_seconds\":300,\"config_port\":11211,\"version\":0,\"nodes\":[],\"poll\":{\"state\":\"pending\",\"polls\":0,\"failures\":0,\"topology_changes\":0}}",
                        json -> ClusterView.read(tree(json))),
                pin(
                        new ClusterChange(5, cv),
                        "{\"revision\":5,\"cluster\":{\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"cfg:1\",\"listen\":\"7000-7099\",\"allow\":[\"1.2.3.0/24\"],\"snat\":\"masquerade\",\"tls\":true,\"ca_file\":\"/ca\",\"public_address\":\"1.2.3.4\",\"poll_interval_seconds\":10,\"grace_seconds\":300,\"version\":7,\"nodes\":[{\"id\":\"i\",\"host\":\"h\",\"address\":\"10.0.0.1\",\"port\":1,\"role\":\"primary\",\"listen_port\":7000,\"forward\":\"orders.7000\"},{\"id\":\"j\",\"address\":\"10.0.0.2\",\"port\":1,\"role\":\"replica\",\"listen_port\":7001,\"vanished_at\":\"2026\"}],\"poll\":{\"state\":\"ok\",\"polls\":3,\"failures\":1,\"topology_changes\":2,\"last_poll\":\"t1\",\"error\":\"boom\",\"error_kind\":\"TLS\"}}}",
                        json -> ClusterChange.read(tree(json))),
                pin(
                        new OutboundView("o", List.of("10.0.0.0/8"), "ens5"),
                        "{\"name\":\"o\",\"source\":[\"10.0.0.0/8\"],\"out\":\"ens5\"}",
                        json -> OutboundView.read(ReplyFields.of(tree(json), "outbound"))),
                pin(
                        new OutboundChange(6, new OutboundView("o", List.of("10.0.0.0/8", "10.1.0.0/16"), "ens*")),
                        "{\"revision\":6,\"outbound\":{\"name\":\"o\",\"source\":[\"10.0.0.0/8\",\"10.1.0.0/16\"],\"out\":\"ens*\"}}",
                        json -> OutboundChange.read(tree(json))),
                pin(
                        new ClusterMap("orders", "203.0.113.73", dials),
                        "{\"cluster\":\"orders\",\"public_address\":\"203.0.113.73\",\"map\":{\"10.0.1.230:6379\":{\"host\":\"203.0.113.73\",\"port\":7000},\"h:6379\":{\"host\":\"203.0.113.73\",\"port\":7001}}}",
                        json -> ClusterMap.read(tree(json))),
                pin(
                        new ClusterMap("e", "1.1.1.1", Map.of()),
                        "{\"cluster\":\"e\",\"public_address\":\"1.1.1.1\",\"map\":{}}",
                        json -> ClusterMap.read(tree(json))),
                pin(
                        doctor,
                        "{\"findings\":[{\"severity\":\"ok\",\"check\":\"ip_forward\",\"message\":\"on\",\"fix\":\"\"},{\"severity\":\"unchecked\",\"check\":\"x\",\"message\":\"y\",\"fix\":\"z\"}],\"summary\":{\"ok\":1,\"warning\":0,\"error\":0,\"unchecked\":1}}",
                        json -> DoctorReport.read(tree(json))),
                pin(
                        DoctorReport.of(List.of()),
                        "{\"findings\":[],\"summary\":{\"ok\":0,\"warning\":0,\"error\":0,\"unchecked\":0}}",
                        json -> DoctorReport.read(tree(json))),
                pin(
                        applied,
                        "{\"applied\":true,\"revision\":9,\"diff\":{\"forwards\":{\"added\":[{\"name\":\"c\",\"proto\":\"tcp\",\"listen\":\"99\",\"to\":[\"10.0.0.1:1\"],\"allow\":[],\"snat\":\"masquerade\"}],\"removed\":[{\"name\":\"b\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\",\"force\":true}],\"changed\":[{\"before\":{\"name\":\"a\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\"},\"after\":{\"name\":\"a\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\",\"force\":true}}],\"empty\":false},\"outbounds\":{\"added\":[],\"removed\":[{\"name\":\"private\",\"source\":[\"10.0.0.0/16\"],\"out\":\"ens5\"}],\"changed\":[],\"empty\":false},\"settings\":{\"before\":{\"manage_ip_forward\":true,\"resolve_interval_seconds\":30,\"full_check_interval_seconds\":60},\"after\":{\"manage_ip_forward\":false,\"resolve_interval_seconds\":10,\"full_check_interval_seconds\":20,\"ssh_port\":2222,\"public_address\":\"203.0.113.9\",\"ha\":{\"floating_addresses\":[\"203.0.113.10\",\"10.0.1.10\"],\"conntrackd_socket\":\"/var/run/conntrackd-nat-pair.ctl\"}}},\"clusters\":{\"added\":[{\"name\":\"mc\",\"engine\":\"memcached\",\"endpoint\":\"cfg.example.com:11211\",\"listen\":\"8000-8099\",\"allow\":[],\"snat\":\"none\",\"tls\":false,\"poll_interval_seconds\":5,\"grace_seconds\":300,\"config_port\":11211,\"version\":0},{\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"cfg.example.com:6379\",\"listen\":\"7000-7099\",\"allow\":[\"10.0.0.0/8\"],\"snat\":\"masquerade\",\"tls\":true,\"ca_file\":\"/etc/ca.pem\",\"auth_file\":\"/etc/a\u00e9\\\"\\\\.auth\",\"public_address\":\"203.0.113.73\",\"poll_interval_seconds\":10,\"grace_seconds\":30,\"version\":42,\"nodes\":[{\"id\":\"07c3\",\"host\":\"node-1.example.com\",\"address\":\"10.0.1.230\",\"port\":6379,\"role\":\"primary\",\"listen_port\":7000},{\"id\":\"07c4\",\"address\":\"10.0.1.231\",\"port\":6379,\"role\":\"replica\",\"listen_port\":7001,\"vanished_at\":1700000000}]}],\"removed\":[],\"changed\":[],\"empty\":false},\"empty\":false}}",
                        null),
                pin(
                        new ApplyResult(false, 1, noDiff),
                        "{\"applied\":false,\"revision\":1,\"diff\":{\"forwards\":{\"added\":[],\"removed\":[],\"changed\":[],\"empty\":true},\"outbounds\":{\"added\":[],\"removed\":[],\"changed\":[],\"empty\":true},\"empty\":true}}",
                        null),
                pin(
                        ApplyNames.of(applied),
                        "{\"applied\":true,\"revision\":9,\"diff\":{\"forwards\":{\"added\":[\"c\"],\"removed\":[\"b\"],\"changed\":[\"a\"],\"changes\":{\"a\":\"force false -> true\"}},\"outbounds\":{\"added\":[],\"removed\":[\"private\"],\"changed\":[],\"changes\":{}},\"settings\":true,\"empty\":false,\"clusters\":{\"added\":[\"mc\",\"orders\"],\"removed\":[],\"changed\":[],\"changes\":{}}}}",
                        json -> ApplyNames.read(tree(json))),
                pin(
                        ApplyNames.of(new ApplyResult(false, 1, noDiff)),
                        "{\"applied\":false,\"revision\":1,\"diff\":{\"forwards\":{\"added\":[],\"removed\":[],\"changed\":[],\"changes\":{}},\"outbounds\":{\"added\":[],\"removed\":[],\"changed\":[],\"changes\":{}},\"settings\":false,\"empty\":true}}",
                        json -> ApplyNames.read(tree(json))),
                pin(
                        ApplyNames.of(new ApplyResult(true, 2, StateDiff.between(s2, s1))),
                        "{\"applied\":true,\"revision\":2,\"diff\":{\"forwards\":{\"added\":[\"b\"],\"removed\":[\"c\"],\"changed\":[\"a\"],\"changes\":{\"a\":\"force true -> false\"}},\"outbounds\":{\"added\":[\"private\"],\"removed\":[],\"changed\":[],\"changes\":{}},\"settings\":true,\"empty\":false,\"clusters\":{\"added\":[],\"removed\":[\"mc\",\"orders\"],\"changed\":[],\"changes\":{}}}}",
                        json -> ApplyNames.read(tree(json))),
                pin(
                        new UploadBegun("u-1", 16L << 20),
                        "{\"upload\":\"u-1\",\"max_chars\":16777216}",
                        json -> UploadBegun.read(tree(json))),
                pin(
                        new ReplyError("NOT_FOUND", "no", null, List.of()),
                        "{\"code\":\"NOT_FOUND\",\"message\":\"no\"}",
                        json -> ReplyError.read(ReplyFields.of(tree(json), "error"))),
                pin(
                        new ReplyError(
                                "VALIDATION",
                                "bad",
                                "forwards[0].listen",
                                List.of(new ReplyError.Detail("", "X", "y"), new ReplyError.Detail("f", "C", "m"))),
                        "{\"code\":\"VALIDATION\",\"message\":\"bad\",\"field\":\"forwards[0].listen\",\"details\":[{\"field\":\"\",\"code\":\"X\",\"message\":\"y\"},{\"field\":\"f\",\"code\":\"C\",\"message\":\"m\"}]}",
                        json -> ReplyError.read(ReplyFields.of(tree(json), "error"))),
                pin(
                        new StateChange.PutForward(forward("q", true)),
                        "{\"op\":\"put_forward\",\"forward\":{\"name\":\"q\",\"proto\":\"udp\",\"listen\":\"7000-7001\",\"to\":[\"10.0.1.230:6379\",\"node-1.example.com:6380\"],\"allow\":[\"198.51.100.0/24\"],\"snat\":\"203.0.113.5\",\"force\":true}}",
                        json -> ModelJson.read(json, StateChange.class)),
                pin(
                        new StateChange.RemoveForward("r"),
                        "{\"op\":\"remove_forward\",\"name\":\"r\"}",
                        json -> ModelJson.read(json, StateChange.class)),
                pin(
                        new StateChange.PutOutbound(ob),
                        "{\"op\":\"put_outbound\",\"outbound\":{\"name\":\"private\",\"source\":[\"10.0.0.0/16\"],\"out\":\"ens5\"}}",
                        json -> ModelJson.read(json, StateChange.class)),
                pin(
                        new StateChange.RemoveOutbound("o"),
                        "{\"op\":\"remove_outbound\",\"name\":\"o\"}",
                        json -> ModelJson.read(json, StateChange.class)),
                pin(
                        new StateChange.PutSettings(full),
                        "{\"op\":\"put_settings\",\"settings\":{\"manage_ip_forward\":false,\"resolve_interval_seconds\":10,\"full_check_interval_seconds\":20,\"ssh_port\":2222,\"public_address\":\"203.0.113.9\",\"ha\":{\"floating_addresses\":[\"203.0.113.10\",\"10.0.1.10\"],\"conntrackd_socket\":\"/var/run/conntrackd-nat-pair.ctl\"}}}",
                        json -> ModelJson.read(json, StateChange.class)),
                pin(
                        new StateChange.PutCluster(polled),
                        "{\"op\":\"put_cluster\",\"cluster\":{\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"cfg.example.com:6379\",\"listen\":\"7000-7099\",\"allow\":[\"10.0.0.0/8\"],\"snat\":\"masquerade\",\"tls\":true,\"ca_file\":\"/etc/ca.pem\",\"auth_file\":\"/etc/a\u00e9\\\"\\\\.auth\",\"public_address\":\"203.0.113.73\",\"poll_interval_seconds\":10,\"grace_seconds\":30,\"version\":42,\"nodes\":[{\"id\":\"07c3\",\"host\":\"node-1.example.com\",\"address\":\"10.0.1.230\",\"port\":6379,\"role\":\"primary\",\"listen_port\":7000},{\"id\":\"07c4\",\"address\":\"10.0.1.231\",\"port\":6379,\"role\":\"replica\",\"listen_port\":7001,\"vanished_at\":1700000000}]}}",
                        json -> ModelJson.read(json, StateChange.class)),
                pin(
                        new StateChange.RemoveCluster("c"),
                        "{\"op\":\"remove_cluster\",\"name\":\"c\"}",
                        json -> ModelJson.read(json, StateChange.class)));
    }
}
