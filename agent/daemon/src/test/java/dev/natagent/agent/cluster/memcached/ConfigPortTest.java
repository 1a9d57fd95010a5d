package dev.natagent.agent.cluster.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.validation.Validator;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A cluster spec's config_port: memcached only, a real port, its cluster's own. */
class ConfigPortTest {
    private static final String SPEC = "{\"name\":\"sessions\",\"engine\":\"memcached\","
            + "\"endpoint\":\"sessions.cfg.cache.test:11211\",\"listen\":\"11212-11299\",\"config_port\":11211}";

    @Test
    void readAndWrittenAsConfigPort() {
        ClusterSpec spec = ModelJson.read(SPEC, ClusterSpec.class);
        assertEquals(11211, spec.configPort());
        assertTrue(ModelJson.write(spec).contains("\"config_port\":11211"), ModelJson.write(spec));
        assertNull(ModelJson.read(SPEC.replace(",\"config_port\":11211", ""), ClusterSpec.class)
                .configPort());
    }

    @Test
    void refusedForRedisInsideTheRangeAndOutOfRange() {
        assertRefused(SPEC.replace("memcached", "redis"), "memcached clusters only");
        assertRefused(SPEC.replace("11211}", "11250}"), "inside the nodes' listen range");
        assertRefused(SPEC.replace("11211}", "70000}"), "outside 1-65535");
    }

    @Test
    void noForwardAndNoOtherClusterMayTakeIt() {
        Validator validator = new Validator(Set::of);
        ClusterSpec spec = ModelJson.read(SPEC, ClusterSpec.class);
        NatState withCluster = NatState.empty().withCluster(Cluster.of(spec));
        ValidationException forward = assertThrows(
                ValidationException.class,
                () -> validator.checkAddForward(
                        withCluster,
                        ModelJson.read(
                                "{\"name\":\"other\",\"listen\":\"11211\",\"to\":[\"10.0.1.9:11211\"]}", Forward.class),
                        false));
        assertEquals(ErrorCode.PORT_IN_USE, forward.first().code());
        assertTrue(forward.getMessage().contains("config_port 11211 of cluster 'sessions'"), forward.getMessage());

        ClusterSpec second = ModelJson.read(
                SPEC.replace("sessions", "second")
                        .replace("11212-11299", "11205-11211")
                        .replace("11211}", "11300}"),
                ClusterSpec.class);
        assertThrows(ValidationException.class, () -> validator.checkAddCluster(withCluster, second));
        ClusterSpec third = ModelJson.read(
                SPEC.replace("sessions", "third").replace("11212-11299", "11400-11409"), ClusterSpec.class);
        ValidationException clash =
                assertThrows(ValidationException.class, () -> validator.checkAddCluster(withCluster, third));
        assertTrue(clash.getMessage().contains("config_port 11211"), clash.getMessage());
    }

    private static void assertRefused(String json, String why) {
        ValidationException e = assertThrows(ValidationException.class, () -> ModelJson.read(json, ClusterSpec.class));
        assertEquals("config_port", e.first().field());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
