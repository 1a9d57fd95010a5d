package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.OtherUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user outside the admin group who can write in the socket's directory (its mode opened by
 * mistake) puts a socket of their own there: natctl must not send them anything. The impostor is
 * python3 under setpriv as uid 65534; it prints how many bytes it received.
 */
class SocketInterceptionTest {
    private static final String IMPOSTOR = String.join(
            "\n",
            "import socket,sys",
            "s=socket.socket(socket.AF_UNIX)",
            "s.bind(sys.argv[1]); s.listen(1)",
            "print('listening', flush=True)",
            "s.settimeout(20)",
            "c,_=s.accept()",
            "c.settimeout(3)",
            "data=b''",
            "try:",
            "    while True:",
            "        b=c.recv(65536)",
            "        if not b: break",
            "        data+=b",
            "except socket.timeout:",
            "    pass",
            "print(len(data))");

    @TempDir
    Path dir;

    @Test
    void natctlSendsNothingToASocketServedBySomeoneElse() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path open = Files.createDirectory(dir.resolve("run"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path socket = open.resolve("admin.sock");
        Process impostor = OtherUser.outsider(IMPOSTOR, socket.toString());
        try {
            var output = new java.io.BufferedReader(
                    new java.io.InputStreamReader(impostor.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("listening", output.readLine());

            CliResult result = CliResult.natctl(socket, "forward", "remove", "redis");
            assertEquals(ExitCode.UNREACHABLE, result.exitCode(), result.toString());
            assertTrue(result.err().contains("refusing to talk to " + socket), result.toString());
            assertTrue(
                    result.err().contains("served by user nobody")
                            || result.err().contains("served by user 65534"),
                    result.toString());

            assertTrue(impostor.waitFor(30, TimeUnit.SECONDS));
            assertEquals("0", output.readLine(), "the impostor received nothing");
        } finally {
            impostor.destroyForcibly();
        }
    }
}
