package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.TestJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** natctl reads an apply reply ({@code "diff":"names"}) into the record the agent wrote it from. */
class ApplyNamesReadTest {
    private static final NatState BEFORE = ModelJson.read(
            """
            {"forwards":[
              {"name":"redis","listen":"6379","to":["10.0.1.230:6379"]},
              {"name":"old","listen":"7000","to":["10.0.1.9:7000"]}],
             "outbounds":[{"name":"private","source":["10.0.0.0/16"],"out":"ens5"}]}
            """,
            NatState.class);
    private static final NatState AFTER = ModelJson.read(
            """
            {"settings":{"manage_ip_forward":false},
             "forwards":[
              {"name":"redis","listen":"6379","to":["10.0.1.240:6379"]},
              {"name":"web","listen":"8080","to":["10.0.2.10:80"]}]}
            """,
            NatState.class);
    /** What the agent answers an apply of AFTER over BEFORE: every kind of change, no cluster. */
    private static final ApplyNames APPLIED =
            ApplyNames.of(new ApplyResult(true, 12, StateDiff.between(BEFORE, AFTER)));
    /** A dry run that changes a cluster only. */
    private static final ApplyNames CLUSTER_DRY_RUN = new ApplyNames(
            false,
            3,
            new ApplyNames.Diff(
                    empty(),
                    empty(),
                    false,
                    false,
                    new ApplyNames.Section(
                            List.of(), List.of(), List.of("orders"), Map.of("orders", "poll_interval 30 -> 10"))));

    private static ApplyNames.Section empty() {
        return new ApplyNames.Section(List.of(), List.of(), List.of(), Map.of());
    }

    private static ObjectNode written(ApplyNames reply) {
        return TestJson.toTree(reply);
    }

    private static String error(Executable read) {
        return assertThrows(MalformedReplyException.class, read).getMessage();
    }

    @Test
    void readsWhatTheAgentWrites() {
        assertEquals(APPLIED, ApplyNames.read(written(APPLIED)));
        assertEquals(CLUSTER_DRY_RUN, ApplyNames.read(written(CLUSTER_DRY_RUN)));
        ApplyNames.Section forwards = ApplyNames.read(written(APPLIED)).diff().forwards();
        assertEquals(List.of("web"), forwards.added());
        assertEquals(List.of("old"), forwards.removed());
        assertEquals(Map.of("redis", "to 10.0.1.230:6379 -> 10.0.1.240:6379"), forwards.changes());
    }

    @Test
    void aMissingFieldIsAnErrorNotADefault() {
        ObjectNode noRevision = written(APPLIED);
        noRevision.remove("revision");
        assertEquals("apply reply has no 'revision'", error(() -> ApplyNames.read(noRevision)));
        ObjectNode noAdded = written(APPLIED);
        ((ObjectNode) noAdded.at("/diff/outbounds")).remove("added");
        assertEquals("apply reply.diff.outbounds has no 'added'", error(() -> ApplyNames.read(noAdded)));
        ObjectNode noSettings = written(APPLIED);
        ((ObjectNode) noSettings.get("diff")).remove("settings");
        assertEquals("apply reply.diff has no 'settings'", error(() -> ApplyNames.read(noSettings)));
    }

    @Test
    void aChangedNameWithoutItsChangesIsAnError() {
        ObjectNode reply = written(APPLIED);
        ((ObjectNode) reply.at("/diff/forwards/changes")).remove("redis");
        assertEquals(
                "apply reply.diff.forwards: changed 'redis' has no entry in 'changes'",
                error(() -> ApplyNames.read(reply)));
    }

    @Test
    void aFieldOfAnotherTypeIsAnError() {
        ObjectNode applied = written(APPLIED);
        applied.put("applied", "yes");
        assertEquals("apply reply: 'applied' is not true or false", error(() -> ApplyNames.read(applied)));
        ObjectNode changes = written(APPLIED);
        ((ObjectNode) changes.at("/diff/forwards/changes")).put("redis", 1);
        assertEquals(
                "apply reply.diff.forwards: 'changes' is not an object of strings",
                error(() -> ApplyNames.read(changes)));
    }
}
