package dev.natagent.agent.testing;

import java.util.ArrayList;
import java.util.List;

/** The AWS ElastiCache guide's layout as natctl commands: what a user of the guide types. */
public final class ElastiCacheGuide {
    /** The trusted client, the only source the redis forward admits. */
    public static final String TRUSTED = "198.51.100.27";

    private ElastiCacheGuide() {}

    /** {@code natctl forward add redis}: three nodes behind 6379-6381, then {@code options}. */
    public static String[] addRedis(String... options) {
        List<String> command = new ArrayList<>(List.of(
                "forward",
                "add",
                "redis",
                "--listen",
                "6379-6381",
                "--to",
                "10.0.1.230:6379,10.0.1.231:6379,10.0.1.232:6379",
                "--allow",
                TRUSTED + "/32"));
        command.addAll(List.of(options));
        return command.toArray(String[]::new);
    }
}
