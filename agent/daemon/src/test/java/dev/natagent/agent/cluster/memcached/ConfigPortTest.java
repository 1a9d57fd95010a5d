package dev.natagent.agent.cluster.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.ValidationException;
import org.junit.jupiter.api.Test;

/** A cluster spec's config_port: memcached only, a real port, outside the nodes' range. */
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

    private static void assertRefused(String json, String why) {
        ValidationException e = assertThrows(ValidationException.class, () -> ModelJson.read(json, ClusterSpec.class));
        assertEquals("config_port", e.first().field());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
