package dev.natagent.agent.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a directory or file the agent keeps its state in can be trusted: owned by root or the
 * agent's own user and writable by nobody else. Whoever else may write there could have replaced
 * the state (and with it what the agent puts into the kernel).
 */
public final class TrustedPaths {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int GROUP_OR_OTHER_WRITE = 0022;

    private TrustedPaths() {}

    /** The effective uid of this process (the owner the kernel gives /proc/self). */
    public static int currentUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * What makes {@code dir} untrustworthy, if anything: a symbolic link owned by someone else, a
     * directory (the link's target) owned by someone else or writable by its group or others.
     */
    public static Optional<String> directoryProblem(Path dir, int ownUid) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            int linkOwner = owner(dir);
            if (!trusted(linkOwner, ownUid)) {
                return Optional.of(dir + " is a symbolic link owned by uid " + linkOwner);
            }
        }
        Path real = dir.toRealPath();
        if (!Files.isDirectory(real, NOFOLLOW)) {
            return Optional.of(dir + " is not a directory");
        }
        return ownerAndModeProblem(
                real, real.equals(dir.toAbsolutePath()) ? dir.toString() : dir + " (" + real + ")", ownUid);
    }

    /**
     * What makes {@code file} untrustworthy, if anything: a link, foreign or writable by others.
     * Something that is no regular file at all is for the loader to report (it cannot be read).
     */
    public static Optional<String> fileProblem(Path file, int ownUid) throws IOException {
        if (Files.isSymbolicLink(file)) {
            return Optional.of(file + " is a symbolic link");
        }
        return ownerAndModeProblem(file, file.toString(), ownUid);
    }

    private static Optional<String> ownerAndModeProblem(Path path, String name, int ownUid) throws IOException {
        int owner = owner(path);
        if (!trusted(owner, ownUid)) {
            return Optional.of(name + " is owned by uid " + owner + ", not by root or the agent (uid " + ownUid + ")");
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", NOFOLLOW);
        if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
            return Optional.of(name + " is writable by its group or others (mode " + octal(mode) + ")");
        }
        return Optional.empty();
    }

    private static int owner(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", NOFOLLOW);
    }

    private static boolean trusted(int owner, int ownUid) {
        return owner == 0 || owner == ownUid;
    }

    public static String octal(int mode) {
        return String.format("%04o", mode & 07777);
    }
}
