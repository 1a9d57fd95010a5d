package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The config shipped as /etc/nat-agent/config.json and the documented example both load with the
 * agent's own model mapping (the one the daemon reads the config file with), so neither a fresh
 * install nor a copied example starts the agent with an error. The model is looked up by name:
 * this module compiles on its own, before or after the agent's model exists.
 */
@Tag("packaging")
class ConfigFilesTest {
    private static final String MODEL_JSON = "dev.natagent.agent.model.ModelJson";
    private static final String NAT_STATE = "dev.natagent.agent.model.NatState";

    @Test
    void shippedConfigIsAValidEmptyState() throws Exception {
        Object state = load("packaging/config/config.json");
        assertEquals(0, ((Map<?, ?>) call(state, "forwards")).size());
        assertEquals(0, ((Map<?, ?>) call(state, "outbounds")).size());
    }

    @Test
    void documentedExampleIsAValidState() throws Exception {
        Object state = load("packaging/config/config.example.json");
        assertEquals(2, ((Map<?, ?>) call(state, "forwards")).size());
        assertEquals(1, ((Map<?, ?>) call(state, "outbounds")).size());
    }

    private static Object load(String file) throws Exception {
        Class<?> modelJson;
        Class<?> natState;
        try {
            modelJson = Class.forName(MODEL_JSON);
            natState = Class.forName(NAT_STATE);
        } catch (ClassNotFoundException e) {
            Project.missing("the agent's model (" + MODEL_JSON + ") is not built yet");
            throw e;
        }
        Method read = modelJson.getMethod("read", byte[].class, Class.class);
        byte[] json = Files.readAllBytes(Project.path(file));
        try {
            return read.invoke(null, json, natState);
        } catch (InvocationTargetException e) {
            return fail(file + " is not a valid state: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static Object call(Object target, String method) throws Exception {
        return target.getClass().getMethod(method).invoke(target);
    }
}
