package dev.natagent.nl;

import java.nio.file.Path;
import jnr.constants.platform.OpenFlags;

/**
 * Moves the calling thread into a network namespace (setns(2) with CLONE_NEWNET). Sockets that
 * thread opens afterwards live in that namespace, whatever thread later uses them. Meant for a
 * dedicated thread: the JVM never moves it back.
 */
public final class NetNamespace {
    private static final int CLONE_NEWNET = 0x40000000;

    private NetNamespace() {}

    /** @param nsFile a namespace file, e.g. {@code /run/netns/NAME} or {@code /proc/PID/ns/net} */
    public static void enterCurrentThread(Path nsFile) throws SyscallException {
        int fd = Syscalls.open(nsFile.toString(), OpenFlags.O_RDONLY.intValue() | OpenFlags.O_CLOEXEC.intValue());
        try {
            Syscalls.setns(fd, CLONE_NEWNET);
        } finally {
            Syscalls.close(fd);
        }
    }
}
