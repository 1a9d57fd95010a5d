package dev.natagent.nl;

import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * An AF_INET datagram socket used only for IP-level socket options: the legacy x_tables tables are
 * read through getsockopt on any IPv4 socket, which needs CAP_NET_ADMIN but not the raw socket
 * (CAP_NET_RAW) that the iptables tools open.
 */
public final class InetSocket implements Closeable {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;

    private final int fd;

    private InetSocket(int fd) {
        this.fd = fd;
    }

    /** A new socket in the calling thread's network namespace. */
    public static InetSocket open() throws SyscallException {
        return new InetSocket(Syscalls.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    }

    /**
     * getsockopt at {@code level}: {@code buf} (direct, native order) holds the request from
     * position 0 to its limit and receives the answer.
     *
     * @return the length the kernel wrote
     */
    public int getsockopt(int level, int option, ByteBuffer buf, String name) throws SyscallException {
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("getsockopt needs a direct buffer");
        }
        return Syscalls.getsockopt(fd, level, option, buf, name);
    }

    @Override
    public void close() throws SyscallException {
        Syscalls.close(fd);
    }
}
