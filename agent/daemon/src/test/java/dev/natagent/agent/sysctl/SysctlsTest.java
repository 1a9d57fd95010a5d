package dev.natagent.agent.sysctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sysctls against a temp tree laid out like /proc/sys. */
class SysctlsTest {
    @TempDir
    Path root;

    private Path ipForward;
    private Path sendRedirects;

    private void tree(String forward, String redirects) throws IOException {
        ipForward = root.resolve("net/ipv4/ip_forward");
        sendRedirects = root.resolve("net/ipv4/conf/all/send_redirects");
        Files.createDirectories(sendRedirects.getParent());
        Files.writeString(ipForward, forward + "\n");
        Files.writeString(sendRedirects, redirects + "\n");
    }

    @Test
    void writesWhatDiffers() throws IOException {
        tree("0", "1");

        SysctlStatus status = new Sysctls(root).ensure(true);

        assertEquals("1", Files.readString(ipForward).trim());
        assertEquals("0", Files.readString(sendRedirects).trim());
        assertEquals(2, status.writes());
        assertTrue(status.ok(Sysctls.WANTED));
        assertEquals(Optional.empty(), status.lastError());
    }

    @Test
    void neverRewritesAValueThatIsAlreadyRight() throws IOException {
        tree("1", "0");
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(ipForward, old);
        Sysctls sysctls = new Sysctls(root);

        for (int i = 0; i < 5; i++) {
            sysctls.ensure(true);
        }

        assertEquals(0, sysctls.status().writes());
        assertEquals(old, Files.getLastModifiedTime(ipForward), "ip_forward was not written");
    }

    @Test
    void writesNothingWhenNotManaged() throws IOException {
        tree("0", "1");

        SysctlStatus status = new Sysctls(root).ensure(false);

        assertEquals("0", Files.readString(ipForward).trim());
        assertEquals(0, status.writes());
        assertFalse(status.managed());
        assertFalse(status.ok(Sysctls.WANTED), "the wrong value is still reported");
        assertEquals(Optional.of("0"), status.values().get(Sysctls.IP_FORWARD));
    }

    @Test
    void anUnreadableKeyIsReportedAndTheOthersStillHandled() throws IOException {
        tree("0", "0");
        Files.delete(ipForward);
        Files.createDirectory(ipForward);

        SysctlStatus status = new Sysctls(root).ensure(true);

        assertTrue(status.lastError().orElseThrow().contains(Sysctls.IP_FORWARD), status.toString());
        assertEquals(Optional.empty(), status.values().get(Sysctls.IP_FORWARD));
        assertEquals(Optional.of("0"), status.values().get(Sysctls.SEND_REDIRECTS));
    }

    @Test
    void anUnwritableFileKeepsItsValueAndReportsTheError() throws Exception {
        tree("0", "0");
        // Root ignores file modes; an immutable file refuses even root, as a read-only /proc entry would.
        assumeTrue(chattr("+i", ipForward), "chattr +i not supported on this file system");
        try {
            SysctlStatus status = new Sysctls(root).ensure(true);

            assertTrue(
                    status.lastError().orElseThrow().startsWith("cannot write " + Sysctls.IP_FORWARD),
                    status.toString());
            assertEquals(Optional.of("0"), status.values().get(Sysctls.IP_FORWARD));
            assertEquals(0, status.writes());
        } finally {
            chattr("-i", ipForward);
        }
    }

    @Test
    void everyFailedWriteIsReportedNotOnlyTheLast() throws Exception {
        tree("0", "1");
        assumeTrue(chattr("+i", ipForward), "chattr +i not supported on this file system");
        try {
            assumeTrue(chattr("+i", sendRedirects), "chattr +i not supported on this file system");
            String error = new Sysctls(root).ensure(true).lastError().orElseThrow();

            assertTrue(error.startsWith("cannot write " + Sysctls.IP_FORWARD + "=1"), error);
            assertTrue(error.contains("; cannot write " + Sysctls.SEND_REDIRECTS + "=0"), error);
        } finally {
            chattr("-i", ipForward);
            chattr("-i", sendRedirects);
        }
    }

    private static boolean chattr(String flag, Path file) throws Exception {
        Process process = new ProcessBuilder("chattr", flag, file.toString()).start();
        return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
