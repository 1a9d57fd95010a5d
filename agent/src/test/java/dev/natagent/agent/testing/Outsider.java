package dev.natagent.agent.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A process of a user outside every admin group: python3 under setpriv as uid/gid 65534 with no
 * supplementary groups (the system python3: one found on root's PATH may live where uid 65534
 * cannot go).
 */
public final class Outsider {
    private Outsider() {}

    /** Starts {@code script} with {@code args}, its stderr merged into stdout. */
    public static Process python(String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "/usr/bin/python3", "-c", script));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
