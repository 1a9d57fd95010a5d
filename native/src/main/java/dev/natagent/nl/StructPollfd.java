package dev.natagent.nl;

/**
 * struct pollfd (poll.h), 8 bytes, host order: {@code int fd | short events | short revents}.
 * Only the event bits the netlink layer waits for are named here.
 */
record StructPollfd(int fd, short events, short revents) {
    static final int SIZE = 8;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
}
