package dev.natagent.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketPathGuardTest {
    @TempDir
    Path dir;

    private static GroupPrincipal group(String name) throws Exception {
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
    }

    @Test
    void aDirectoryOfTheAgentUserGetsTheAdminGroup() throws Exception {
        // As systemd's RuntimeDirectory= leaves it for User=nat-agent: the user's own group, 0755.
        Path run = Files.createDirectory(dir.resolve("run"));
        Files.setAttribute(run, "unix:uid", 4242);
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        new SocketPathGuard(4242).prepareDirectory(run, group("daemon"));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
        assertEquals("daemon", Files.getAttribute(run, "posix:group").toString());
    }

    @Test
    void aRootOwnedDirectoryIsLeftAsItIs() throws Exception {
        Path run = Files.createDirectory(dir.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        new SocketPathGuard(4242).prepareDirectory(run, group("daemon"));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
        assertEquals("root", Files.getAttribute(run, "posix:group").toString());
    }
}
