package dev.natagent.agent.api;

import dev.natagent.agent.store.TrustedPaths;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes the socket path safe to bind: the parent directory is ours and not a link, nobody but
 * root and the agent may write in it or above it (else they could move the socket aside and answer
 * natctl in the agent's place), and whatever is at the path is removed only if it is a stale socket
 * of ours (nobody answers on it). Anything else there (a file, a symlink, a foreign socket, a live
 * agent) is refused, never deleted.
 */
final class SocketPathGuard {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_ISVTX = 01000;
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final int ownUid;

    SocketPathGuard(int ownUid) {
        this.ownUid = ownUid;
    }

    void prepareDirectory(Path dir, GroupPrincipal group) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException("refusing socket directory " + dir + ": it is a symbolic link");
        }
        if (!Files.exists(dir, NOFOLLOW)) {
            Files.createDirectories(dir);
            restrictToGroup(dir, group);
            return;
        }
        if (!Files.isDirectory(dir, NOFOLLOW)) {
            throw new IOException("refusing socket directory " + dir + ": it is not a directory");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", NOFOLLOW);
        if (owner != ownUid && owner != 0) {
            throw new IOException("refusing socket directory " + dir + ": owned by uid " + owner
                    + ", not by this agent (uid " + ownUid + ") or root");
        }
        if (owner == ownUid && ownUid != 0) {
            // systemd's RuntimeDirectory= gives the service user's own group; admins must get in too.
            restrictToGroup(dir, group);
        } else {
            int mode = (Integer) Files.getAttribute(dir, "unix:mode", NOFOLLOW);
            if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
                throw new IOException("refusing socket directory " + dir + ": its mode " + TrustedPaths.octal(mode)
                        + " lets users other than root and the agent write there, who could move the socket"
                        + " aside and read the requests meant for the agent; run `chmod 0750 " + dir
                        + "`, or remove it to have the agent create it");
            }
        }
        requireSafeAncestors(dir);
    }

    /** Every directory above {@code dir}: owned by root or us, and writable by others only if sticky. */
    private void requireSafeAncestors(Path dir) throws IOException {
        for (Path above = dir.toRealPath().getParent(); above != null; above = above.getParent()) {
            int owner = (Integer) Files.getAttribute(above, "unix:uid");
            int mode = (Integer) Files.getAttribute(above, "unix:mode");
            if (owner != 0 && owner != ownUid) {
                throw new IOException("refusing socket directory " + dir + ": " + above + " above it is owned by uid "
                        + owner + ", who could replace it");
            }
            if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & S_ISVTX) == 0) {
                throw new IOException("refusing socket directory " + dir + ": " + above + " above it has mode "
                        + TrustedPaths.octal(mode) + " (writable by others, not sticky), so others could replace it");
            }
        }
    }

    /** Mode 0750 with the admin group: members may reach the socket, others may not even list it. */
    private static void restrictToGroup(Path dir, GroupPrincipal group) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        useGroup(dir, group);
    }

    /**
     * Gives {@code path} (never a link's target) the group, calling chown(2) only when it differs:
     * under the unit (Group=natadmin) it already matches, and SystemCallFilter=~@privileged makes
     * every chown fail with EPERM, even one that would change nothing.
     */
    static void useGroup(Path path, GroupPrincipal group) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, NOFOLLOW);
        if (!view.readAttributes().group().equals(group)) {
            view.setGroup(group);
        }
    }

    /** Removes a stale socket of ours at path; refuses anything else that is there. */
    void clearStaleSocket(Path path) throws IOException {
        if (Files.isSymbolicLink(path)) {
            throw new IOException("refusing socket path " + path + ": it is a symbolic link");
        }
        if (!Files.exists(path, NOFOLLOW)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", NOFOLLOW);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException("refusing socket path " + path + ": it exists and is not a socket");
        }
        int owner = (Integer) Files.getAttribute(path, "unix:uid", NOFOLLOW);
        if (owner != ownUid) {
            throw new IOException("refusing socket path " + path + ": a socket owned by uid " + owner + " is there");
        }
        if (somebodyListens(path)) {
            throw new FileAlreadyExistsException(path.toString(), null, "another agent is already listening there");
        }
        Files.delete(path);
    }

    private static boolean somebodyListens(Path path) throws IOException {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return probe.isConnected();
        } catch (ConnectException e) {
            return false;
        }
    }
}
