package dev.natagent.agent.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A python3 process of another user, uid 65534 under setpriv with no supplementary groups (the
 * system python3: one found on root's PATH may live where uid 65534 cannot go). As an outsider its
 * gid is 65534; as a member of the tests' admin group ({@code root}) its gid is 0.
 */
public final class OtherUser {
    private OtherUser() {}

    /** Starts {@code script} with {@code args} as an outsider, its stderr merged into stdout. */
    public static Process outsider(String script, String... args) throws IOException {
        return python("65534", script, args);
    }

    /** Starts {@code script} with {@code args} as a member of the admin group {@code root}. */
    public static Process member(String script, String... args) throws IOException {
        return python("0", script, args);
    }

    private static Process python(String gid, String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "setpriv", "--reuid", "65534", "--regid", gid, "--clear-groups", "/usr/bin/python3", "-c", script));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
