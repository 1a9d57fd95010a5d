package dev.natagent.agent.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Idle clients of a Unix socket held by another process: this JVM could not hold both ends of 10,000. */
public final class IdleConnections {
    private IdleConnections() {}

    /** Returns once all {@code count} are connected; destroy the process to close them. */
    public static Process hold(Path socket, int count) throws IOException {
        Process holder = new ProcessBuilder(
                        "python3",
                        "-c",
                        "import socket,sys\n"
                                + "s=[socket.socket(socket.AF_UNIX) for _ in range(int(sys.argv[2]))]\n"
                                + "[c.connect(sys.argv[1]) for c in s]\n"
                                + "print('ready',flush=True)\n"
                                + "sys.stdin.read()",
                        socket.toString(),
                        Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String ready =
                new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"ready".equals(ready)) {
            holder.destroyForcibly();
            throw new AssertionError("the holder of " + count + " idle connections failed: " + ready);
        }
        return holder;
    }
}
