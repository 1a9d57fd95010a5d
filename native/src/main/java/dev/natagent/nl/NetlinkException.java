package dev.natagent.nl;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import jnr.constants.platform.Errno;

/**
 * The kernel refused a netlink request (an NLMSG_ERROR reply with a non-zero error). Carries the
 * errno, the kernel's extended-ACK text and attribute offset when it sent them, and the failing
 * message's seq, type and description (e.g. "add chain ip nat_agent prerouting").
 */
public final class NetlinkException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final int seq;
    private final int messageType;
    private final String description;
    private final String extAckMessage;
    private final int extAckOffset;

    public NetlinkException(
            int errno, int seq, int messageType, String description, String extAckMessage, int extAckOffset) {
        super(format(errno, seq, messageType, description, extAckMessage, extAckOffset));
        this.errno = errno;
        this.seq = seq;
        this.messageType = messageType;
        this.description = description;
        this.extAckMessage = extAckMessage;
        this.extAckOffset = extAckOffset;
    }

    /** From an error reply; {@code description} describes the request it answers. */
    public static NetlinkException of(StructNlmsgerr reply, String description) {
        return new NetlinkException(
                reply.errno(),
                reply.msgSeq(),
                reply.msgType(),
                description,
                reply.extAckMessage(),
                reply.extAckOffset());
    }

    private static String format(int errno, int seq, int type, String description, String text, int offset) {
        StringBuilder out = new StringBuilder()
                .append(description == null ? "request" : description)
                .append(" failed: ")
                .append(Errnos.name(errno))
                .append(" (")
                .append(Errnos.description(errno))
                .append(')');
        if (text != null) {
            out.append(": ").append(text);
        }
        if (offset >= 0) {
            out.append(" [attribute at offset ").append(offset).append(']');
        }
        return out.append(" [seq ")
                .append(Integer.toUnsignedString(seq))
                .append(", type 0x")
                .append(Integer.toHexString(type))
                .append(']')
                .toString();
    }

    public int errno() {
        return errno;
    }

    /** The symbolic errno, e.g. "EEXIST". */
    public String errnoName() {
        return Errnos.name(errno);
    }

    /** The seq of the message the kernel refused (the BEGIN seq for batch-level failures). */
    public int seq() {
        return seq;
    }

    /** nlmsg_type of the refused message. */
    public int messageType() {
        return messageType;
    }

    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    public Optional<String> extAckMessage() {
        return Optional.ofNullable(extAckMessage);
    }

    /** Offset of the offending attribute from the start of the refused message. */
    public OptionalInt extAckOffset() {
        return extAckOffset < 0 ? OptionalInt.empty() : OptionalInt.of(extAckOffset);
    }

    public boolean isNotFound() {
        return errno == Errno.ENOENT.intValue();
    }

    public boolean isAlreadyExists() {
        return errno == Errno.EEXIST.intValue();
    }

    public boolean isBusy() {
        return errno == Errno.EBUSY.intValue();
    }

    public boolean isNotSupported() {
        return errno == Errno.EOPNOTSUPP.intValue();
    }

    public boolean isPermission() {
        return errno == Errno.EPERM.intValue() || errno == Errno.EACCES.intValue();
    }

    /** The batch named a generation that is no longer current (ERESTART): re-read and recompute. */
    public boolean isStaleGeneration() {
        return errno == Errno.ERESTART.intValue();
    }
}
