package dev.natagent.nl;

import java.io.IOException;

/**
 * The socket's receive queue overflowed (recvfrom failed with ENOBUFS): the kernel dropped replies
 * or events. What happened to the requests is unknown; the caller must re-read the state (dump).
 */
public final class MessagesLostException extends IOException {
    private static final long serialVersionUID = 1L;

    public MessagesLostException(SyscallException cause) {
        super("netlink receive queue overflowed, messages were dropped (" + cause.getMessage() + ")", cause);
    }
}
