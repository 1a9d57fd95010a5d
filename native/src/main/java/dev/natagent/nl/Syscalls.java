package dev.natagent.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * libc through JNR-FFI: the binding {@link LibC}, loaded once, and checked wrappers: every -1 becomes a {@link SyscallException} with the
 * call name and errno, and calls interrupted by a signal (EINTR) are retried. Buffers are passed
 * from their position to their limit (sliced, so the native side sees offset 0).
 */
final class Syscalls {
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final int EINTR = Errno.EINTR.intValue();

    private Syscalls() {}

    /**
     * The libc calls the netlink layer needs, with their C names and signatures (man 2). Buffers are
     * direct and native-order; a call reads or writes them from their position 0. It is declared
     * public only because jnr-ffi implements it in a class loader of its own; nested in this
     * package-private class, it cannot be reached from outside the package.
     */
    public interface LibC {
        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int bind(int fd, @In ByteBuffer addr, int addrLen);

        @SaveError
        int getsockname(int fd, @Out ByteBuffer addr, IntByReference addrLen);

        @SaveError
        int setsockopt(int fd, int level, int option, @In ByteBuffer value, int valueLen);

        @SaveError
        int getsockopt(int fd, int level, int option, @Out ByteBuffer value, IntByReference valueLen);

        @SaveError
        @ssize_t
        long sendto(int fd, @In ByteBuffer buf, @size_t long len, int flags, @In ByteBuffer destAddr, int addrLen);

        @SaveError
        @ssize_t
        long recvfrom(
                int fd,
                @Out ByteBuffer buf,
                @size_t long len,
                int flags,
                @Out ByteBuffer srcAddr,
                @In @Out ByteBuffer addrLen); // socklen_t *

        /** {@code nfds} is an nfds_t (unsigned long). */
        @SaveError
        int poll(@In @Out ByteBuffer fds, long nfds, int timeoutMs);

        @SaveError
        int close(int fd);

        @SaveError
        int open(String path, int flags);

        @SaveError
        int setns(int fd, int nstype);
    }

    static int socket(int domain, int type, int protocol) throws SyscallException {
        while (true) {
            int fd = LIBC.socket(domain, type, protocol);
            if (fd >= 0) {
                return fd;
            }
            retryOrThrow("socket");
        }
    }

    static void bind(int fd, StructSockaddrNl addr) throws SyscallException {
        while (LIBC.bind(fd, addr.toBuffer(), StructSockaddrNl.SIZE) < 0) {
            retryOrThrow("bind");
        }
    }

    static StructSockaddrNl getsockname(int fd) throws SyscallException {
        ByteBuffer addr = StructSockaddrNl.allocate();
        IntByReference len = new IntByReference(StructSockaddrNl.SIZE);
        while (LIBC.getsockname(fd, addr, len) < 0) {
            retryOrThrow("getsockname");
        }
        return StructSockaddrNl.from(addr);
    }

    static void setsockoptInt(int fd, int level, int option, int value, String name) throws SyscallException {
        ByteBuffer buf = intBuffer(value);
        while (LIBC.setsockopt(fd, level, option, buf, Integer.BYTES) < 0) {
            retryOrThrow("setsockopt(" + name + ")");
        }
    }

    static int getsockoptInt(int fd, int level, int option, String name) throws SyscallException {
        ByteBuffer buf = intBuffer(0);
        IntByReference len = new IntByReference(Integer.BYTES);
        while (LIBC.getsockopt(fd, level, option, buf, len) < 0) {
            retryOrThrow("getsockopt(" + name + ")");
        }
        return buf.getInt(0);
    }

    /**
     * getsockopt with a request in {@code buf} (direct, from position 0 to its limit) that the
     * kernel overwrites with its answer; returns the length it wrote.
     */
    static int getsockopt(int fd, int level, int option, ByteBuffer buf, String name) throws SyscallException {
        IntByReference len = new IntByReference(buf.limit());
        while (LIBC.getsockopt(fd, level, option, buf, len) < 0) {
            retryOrThrow("getsockopt(" + name + ")");
        }
        return len.getValue();
    }

    /** Sends {@code buf}'s remaining bytes as one datagram to {@code dest} (a sockaddr_nl). */
    static long sendto(int fd, ByteBuffer buf, int flags, ByteBuffer dest) throws SyscallException {
        ByteBuffer data = buf.slice();
        while (true) {
            long sent = LIBC.sendto(fd, data, data.remaining(), flags, dest, StructSockaddrNl.SIZE);
            if (sent >= 0) {
                return sent;
            }
            retryOrThrow("sendto");
        }
    }

    /**
     * Receives one datagram into {@code buf} (from position 0, up to its capacity) and the sender's
     * sockaddr_nl into {@code from}; {@code fromLen} is the socklen_t buffer the call needs. With
     * MSG_TRUNC in {@code flags} the result is the datagram's real length, which exceeds the
     * capacity when the datagram did not fit.
     */
    static long recvfrom(int fd, ByteBuffer buf, int flags, ByteBuffer from, ByteBuffer fromLen)
            throws SyscallException {
        while (true) {
            fromLen.putInt(0, from.capacity());
            long received = LIBC.recvfrom(fd, buf, buf.capacity(), flags, from, fromLen);
            if (received >= 0) {
                return received;
            }
            retryOrThrow("recvfrom");
        }
    }

    /**
     * Waits for the events of one struct pollfd (fd and events set by the caller); returns its
     * revents, 0 when the timeout expired.
     */
    static int poll(ByteBuffer pollfd, int timeoutMs) throws SyscallException {
        while (true) {
            pollfd.putShort(StructPollfd.REVENTS_OFFSET, (short) 0);
            int ready = LIBC.poll(pollfd, 1, timeoutMs);
            if (ready >= 0) {
                return ready == 0 ? 0 : Short.toUnsignedInt(pollfd.getShort(StructPollfd.REVENTS_OFFSET));
            }
            retryOrThrow("poll");
        }
    }

    static void close(int fd) throws SyscallException {
        // close() must not be retried on EINTR on Linux: the descriptor is already released.
        if (LIBC.close(fd) < 0) {
            int errno = RUNTIME.getLastError();
            if (errno != EINTR) {
                throw new SyscallException("close", errno);
            }
        }
    }

    static int open(String path, int flags) throws SyscallException {
        while (true) {
            int fd = LIBC.open(path, flags);
            if (fd >= 0) {
                return fd;
            }
            retryOrThrow("open(" + path + ")");
        }
    }

    static void setns(int fd, int nstype) throws SyscallException {
        while (LIBC.setns(fd, nstype) < 0) {
            retryOrThrow("setns");
        }
    }

    private static void retryOrThrow(String call) throws SyscallException {
        int errno = RUNTIME.getLastError();
        if (errno != EINTR) {
            throw new SyscallException(call, errno);
        }
    }

    private static ByteBuffer intBuffer(int value) {
        return ByteBuffer.allocateDirect(Integer.BYTES)
                .order(ByteOrder.nativeOrder())
                .putInt(0, value);
    }
}
