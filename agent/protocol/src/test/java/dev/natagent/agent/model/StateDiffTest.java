package dev.natagent.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateDiffTest {
    private final NatState before = ModelJson.read(ModelJsonTest.ELASTICACHE, NatState.class);

    @Test
    void identicalStatesHaveNoDiff() {
        StateDiff diff = StateDiff.between(before, ModelJson.read(ModelJson.write(before), NatState.class));
        assertTrue(diff.isEmpty());
        assertEquals("no changes", diff.toString());
        assertEquals(List.of(), diff.changes());
    }

    @Test
    void addedRemovedChangedAndSettings() {
        Forward redis = before.forward("redis").orElseThrow();
        NatState after = before.withoutForward("memcached")
                .withForward(redis.withTargets(List.of(
                        Target.parse("10.0.1.230:6379"),
                        Target.parse("10.0.1.240:6379"),
                        Target.parse("10.0.1.232:6379"))))
                .withForward(Forward.single("web", Protocol.TCP, 8080, Target.parse("10.0.2.10:80")))
                .withoutOutbound("private")
                .withSettings(new Settings(false, 30, 60, null));
        StateDiff diff = StateDiff.between(before, after);

        assertEquals(
                List.of("web"),
                diff.forwards().added().stream().map(Forward::name).toList());
        assertEquals(
                List.of("memcached"),
                diff.forwards().removed().stream().map(Forward::name).toList());
        assertEquals(
                List.of("redis"),
                diff.forwards().changed().stream().map(c -> c.after().name()).toList());
        assertEquals(
                List.of("private"),
                diff.outbounds().removed().stream().map(Outbound::name).toList());
        assertEquals(
                """
                ~ settings: manage_ip_forward true -> false
                + forward web tcp 8080 -> 10.0.2.10:80 allow any snat masquerade
                - forward memcached tcp 11211-11213 -> node-1.abc.cfg.use1.cache.amazonaws.com:11211,\
                node-2.abc.cfg.use1.cache.amazonaws.com:11211,node-3.abc.cfg.use1.cache.amazonaws.com:11211 \
                allow 198.51.100.27/32 snat 10.0.0.55
                ~ forward redis: to 10.0.1.230:6379,10.0.1.231:6379,10.0.1.232:6379 -> \
                10.0.1.230:6379,10.0.1.240:6379,10.0.1.232:6379
                - outbound private source 10.0.0.0/16 out ens5""",
                diff.toString());
        // The changes replay the diff exactly.
        assertEquals(after, StateChange.applyAll(before, diff.changes()));
    }

    @Test
    void diffIsJson() {
        NatState after = before.withoutForward("redis");
        JsonNode json = TestJson.toTree(StateDiff.between(before, after));
        assertEquals("redis", json.at("/forwards/removed/0/name").asText());
        assertEquals("6379-6381", json.at("/forwards/removed/0/listen").asText());
        assertEquals(0, json.at("/forwards/added").size());
        assertTrue(json.at("/settings").isMissingNode());
        assertEquals(false, json.get("empty").asBoolean());
    }

    @Test
    void changesRoundTripThroughJson() {
        List<StateChange> changes = StateDiff.between(NatState.empty(), before).changes();
        String json = JsonWriting.toText(out -> StateChange.writeAll(changes, out));
        assertTrue(json.contains("\"op\":\"put_forward\""), json);
        StateChange[] back = ModelJson.read(json, StateChange[].class);
        assertEquals(changes, List.of(back));
        assertEquals(before, StateChange.applyAll(NatState.empty(), List.of(back)));
    }
}
