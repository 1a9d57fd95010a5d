package dev.natagent.nl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import jnr.constants.platform.AddressFamily;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Sock;
import jnr.constants.platform.SocketLevel;
import jnr.constants.platform.SocketMessage;
import jnr.constants.platform.SocketOption;

/**
 * An AF_NETLINK / NETLINK_NETFILTER (or NETLINK_ROUTE) socket (docs/netlink.md, "Sockets"). Extended ACKs are on,
 * error replies do not echo the request payload (NETLINK_CAP_ACK), the port id is read back with
 * getsockname (it is the pid only for a process's first netlink socket), and datagrams are received
 * into a 68 KiB buffer with MSG_TRUNC so that a datagram that does not fit is an error, never
 * silently cut.
 *
 * <p>Not thread-safe: one thread owns a socket. It joins no multicast group: a subscriber to
 * nf_tables changes makes every transaction on the host build events for it (docs/architecture.md).
 */
public final class NetlinkSocket implements NetlinkTransport {
    public static final int NETLINK_NETFILTER = 12;
    /** rtnetlink: routes, links, addresses. */
    public static final int NETLINK_ROUTE = 0;
    /**
     * 64 KiB + 4 KiB like nft: the kernel sizes dump datagrams to the receiver's buffer
     * (docs/netlink.md, "Sockets").
     */
    public static final int DATAGRAM_BUFFER_BYTES = 64 * 1024 + 4 * 1024;

    private static final int SOL_NETLINK = 270;
    private static final int NETLINK_CAP_ACK = 10;
    private static final int NETLINK_EXT_ACK = 11;
    /** sendmsg refuses a datagram longer than sk_sndbuf minus this (EMSGSIZE). */
    private static final int SEND_OVERHEAD = 32;

    private static final int REQUEST_SEND_BUFFER = 2 * 1024 * 1024;
    private static final int REQUEST_RECEIVE_QUEUE = 4 * 1024 * 1024;

    private static final StructSockaddrNl KERNEL = new StructSockaddrNl(0, 0);

    private final int portId;
    private final ByteBuffer datagram =
            ByteBuffer.allocateDirect(DATAGRAM_BUFFER_BYTES).order(ByteOrder.nativeOrder());
    // Preallocated for the hot path: a send or receive allocates nothing native.
    private final ByteBuffer kernelAddr = KERNEL.toBuffer();
    private final ByteBuffer from = StructSockaddrNl.allocate();
    private final ByteBuffer fromLen = ByteBuffer.allocateDirect(Integer.BYTES).order(ByteOrder.nativeOrder());
    private final ByteBuffer pollfd;
    private int fd;
    private int sendBufferBytes;
    private int receiveBufferBytes;
    private int nextSeq = 1;

    private NetlinkSocket(int fd, int sendQueue, int receiveQueue) throws IOException {
        this.fd = fd;
        this.pollfd = new StructPollfd(fd, StructPollfd.POLLIN, (short) 0).toBuffer();
        try {
            setInt(SOL_NETLINK, NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
            setInt(SOL_NETLINK, NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");
            sendBufferBytes = sendQueue > 0
                    ? setBuffer(SocketOption.SO_SNDBUFFORCE, SocketOption.SO_SNDBUF, sendQueue)
                    : getInt(SocketOption.SO_SNDBUF);
            receiveBufferBytes = receiveQueue > 0
                    ? setBuffer(SocketOption.SO_RCVBUFFORCE, SocketOption.SO_RCVBUF, receiveQueue)
                    : getInt(SocketOption.SO_RCVBUF);
            Syscalls.bind(fd, new StructSockaddrNl(0, 0));
            portId = Syscalls.getsockname(fd).nlPid();
        } catch (IOException | RuntimeException e) {
            Syscalls.close(fd);
            throw e;
        }
    }

    /** The socket for requests and batches, in the calling thread's network namespace. */
    public static NetlinkSocket openRequestSocket() throws IOException {
        return open(REQUEST_SEND_BUFFER, REQUEST_RECEIVE_QUEUE);
    }

    /** An rtnetlink socket with the kernel's default queues, for route queries. */
    public static NetlinkSocket openRouteSocket() throws IOException {
        return open(NETLINK_ROUTE, 0, 0);
    }

    /** Queue sizes in bytes as asked of the kernel (0 = its default); tests shrink them to overflow. */
    static NetlinkSocket open(int sendQueue, int receiveQueue) throws IOException {
        return open(NETLINK_NETFILTER, sendQueue, receiveQueue);
    }

    private static NetlinkSocket open(int protocol, int sendQueue, int receiveQueue) throws IOException {
        int fd = Syscalls.socket(
                AddressFamily.AF_NETLINK.intValue(), Sock.SOCK_RAW.intValue() | Sock.SOCK_CLOEXEC.intValue(), protocol);
        return new NetlinkSocket(fd, sendQueue, receiveQueue);
    }

    /** The port id the kernel assigned (the socket's address). */
    public int portId() {
        return portId;
    }

    @Override
    public int reserveSeq(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count " + count);
        }
        // Wraps to 1 after 2^32 numbers; 0 is left out because kernel events may carry it.
        if (Integer.toUnsignedLong(nextSeq) + count > 0xffff_ffffL) {
            nextSeq = 1;
        }
        int first = nextSeq;
        nextSeq += count;
        return first;
    }

    /** The kernel's send buffer size (twice what was asked for), grown by {@link #send} as needed. */
    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    /** The kernel's receive buffer size (twice what was asked for). */
    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    @Override
    public void send(ByteBuffer datagram) throws IOException {
        send(datagram, kernelAddr);
    }

    /** Sends to any port: the kernel (0) or, for tests, another socket. */
    void send(ByteBuffer datagram, ByteBuffer dest) throws IOException {
        checkOpen();
        int length = datagram.remaining();
        if (length + SEND_OVERHEAD > sendBufferBytes) {
            sendBufferBytes = setBuffer(SocketOption.SO_SNDBUFFORCE, SocketOption.SO_SNDBUF, length + SEND_OVERHEAD);
        }
        long sent = Syscalls.sendto(fd, datagram, 0, dest);
        if (sent != length) {
            throw new IOException("sendto sent " + sent + " of " + length + " bytes");
        }
    }

    @Override
    public Optional<ByteBuffer> receive(long timeoutMillis) throws IOException {
        checkOpen();
        long deadline = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000;
        while (true) {
            long leftMillis = Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
            if (Syscalls.poll(pollfd, (int) Math.min(leftMillis, Integer.MAX_VALUE)) == 0) {
                return Optional.empty();
            }
            long length = receiveNow();
            if (length >= 0) {
                ByteBuffer view = datagram.duplicate().order(ByteOrder.nativeOrder());
                view.position(0).limit((int) length);
                return Optional.of(view);
            }
        }
    }

    /** One recvfrom; -1 when nothing is ready or the datagram did not come from the kernel. */
    private long receiveNow() throws IOException {
        long length;
        try {
            length = Syscalls.recvfrom(
                    fd,
                    datagram,
                    SocketMessage.MSG_TRUNC.intValue() | SocketMessage.MSG_DONTWAIT.intValue(),
                    from,
                    fromLen);
        } catch (SyscallException e) {
            if (e.errno() == Errno.EAGAIN.intValue()) {
                return -1;
            }
            if (e.errno() == Errno.ENOBUFS.intValue()) {
                throw new MessagesLostException(e);
            }
            throw e;
        }
        if (length > datagram.capacity()) {
            throw new DatagramTruncatedException(length, datagram.capacity());
        }
        // Another (privileged) process may unicast to our port id: only the kernel's replies count.
        return StructSockaddrNl.from(from).nlPid() == 0 ? length : -1;
    }

    @Override
    public void ensureReceiveBuffer(int bytes) throws IOException {
        checkOpen();
        if (receiveBufferBytes < bytes) {
            receiveBufferBytes = setBuffer(SocketOption.SO_RCVBUFFORCE, SocketOption.SO_RCVBUF, bytes);
        }
    }

    /** Closes the socket; idempotent. */
    @Override
    public void close() throws IOException {
        if (fd >= 0) {
            int closing = fd;
            fd = -1;
            Syscalls.close(closing);
        }
    }

    /**
     * Sets a buffer size with the FORCE option (needs CAP_NET_ADMIN, ignores the rmem/wmem_max
     * limits) or, without the capability, the plain one; returns the size the kernel applied.
     */
    private int setBuffer(SocketOption force, SocketOption plain, int bytes) throws SyscallException {
        try {
            setInt(SocketLevel.SOL_SOCKET.intValue(), force.intValue(), bytes, force.name());
        } catch (SyscallException e) {
            if (e.errno() != Errno.EPERM.intValue()) {
                throw e;
            }
            setInt(SocketLevel.SOL_SOCKET.intValue(), plain.intValue(), bytes, plain.name());
        }
        return getInt(plain);
    }

    private int getInt(SocketOption option) throws SyscallException {
        return Syscalls.getsockoptInt(fd, SocketLevel.SOL_SOCKET.intValue(), option.intValue(), option.name());
    }

    private void setInt(int level, int option, int value, String name) throws SyscallException {
        Syscalls.setsockoptInt(fd, level, option, value, name);
    }

    private void checkOpen() throws IOException {
        if (fd < 0) {
            throw new IOException("netlink socket is closed");
        }
    }
}
