package dev.natagent.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct pollfd (poll.h), 8 bytes, host order: {@code int fd | short events | short revents}.
 * Only the event bits the netlink layer waits for are named here.
 */
record StructPollfd(int fd, short events, short revents) {
    static final int SIZE = 8;
    static final int REVENTS_OFFSET = 6;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;

    /** A direct buffer holding this struct, to pass to poll(2) again and again. */
    ByteBuffer toBuffer() {
        return ByteBuffer.allocateDirect(SIZE)
                .order(ByteOrder.nativeOrder())
                .putInt(0, fd)
                .putShort(4, events)
                .putShort(REVENTS_OFFSET, revents);
    }
}
