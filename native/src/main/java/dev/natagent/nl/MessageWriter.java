package dev.natagent.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds netlink messages (struct nlmsghdr + struct nfgenmsg + attributes) into one growable,
 * direct, native-order buffer, so a whole batch goes to the kernel in a single sendto. Headers and
 * attribute headers are host order; the {@code *Be} methods write nf_tables integers big-endian.
 */
public final class MessageWriter {
    public static final int NLMSG_HDRLEN = 16;
    public static final int NFGENMSG_LEN = 4;
    private static final int NLA_HDRLEN = 4;
    /** libnftnl sets it on every nest it sends; the kernel accepts nests with or without it. */
    public static final int NLA_F_NESTED = 0x8000;
    /** nf_tables strings, NUL included; longer ones are refused with ERANGE. */
    public static final int MAX_STRING_BYTES = 256;

    private final int initialCapacity;
    /** Whether grown buffers are native memory freed as soon as they are replaced (see {@link #reusable}). */
    private final boolean freesGrown;

    private ByteBuffer buf;
    /** The first buffer of a reusable writer, returned to by {@link #resetAndShrink}. */
    private ByteBuffer initial;
    /** The memory of {@link #buf} when a reusable writer has grown, else null. */
    private NativeBuffer grown;

    private int messageStart = -1;

    public MessageWriter() {
        this(4096);
    }

    public MessageWriter(int initialCapacity) {
        this(initialCapacity, false);
    }

    private MessageWriter(int initialCapacity, boolean freesGrown) {
        this.initialCapacity = initialCapacity;
        this.freesGrown = freesGrown;
        buf = ByteBuffer.allocateDirect(initialCapacity).order(ByteOrder.nativeOrder());
        initial = buf;
    }

    /**
     * A long-lived writer for batches of any size, whose buffers are used only until its next
     * write: when it grows, the new buffer is native memory that is not cleared (room reserved and
     * not written costs nothing resident) and the one it replaces is freed at once, as is a grown
     * one by {@link #resetAndShrink}. A buffer from {@link #flip} must not be used after the next
     * write or {@link #resetAndShrink}: its memory may be gone.
     */
    public static MessageWriter reusable(int initialCapacity) {
        return new MessageWriter(initialCapacity, true);
    }

    /** Starts a message: nlmsghdr (pid 0) then nfgenmsg {family, version 0, be16 resId}. */
    public MessageWriter beginMessage(int type, int flags, int seq, int family, int resId) {
        if (messageStart >= 0) {
            throw new IllegalStateException("message at " + messageStart + " not ended");
        }
        ensure(NLMSG_HDRLEN + NFGENMSG_LEN);
        messageStart = buf.position();
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        buf.put((byte) family).put((byte) 0).put((byte) (resId >>> 8)).put((byte) resId);
        return this;
    }

    /** Writes nlmsg_len of the current message. Messages are 4-aligned already. */
    public MessageWriter endMessage() {
        if (messageStart < 0) {
            throw new IllegalStateException("no message begun");
        }
        buf.putInt(messageStart, buf.position() - messageStart);
        messageStart = -1;
        return this;
    }

    public MessageWriter string(int type, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        if (text.length + 1 > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string attribute longer than " + (MAX_STRING_BYTES - 1) + " bytes");
        }
        int len = NLA_HDRLEN + text.length + 1;
        header(type, len);
        buf.put(text).put((byte) 0);
        pad(len);
        return this;
    }

    public MessageWriter u8(int type, int value) {
        header(type, NLA_HDRLEN + 1);
        buf.put((byte) value);
        pad(NLA_HDRLEN + 1);
        return this;
    }

    public MessageWriter u32Be(int type, int value) {
        header(type, NLA_HDRLEN + 4);
        buf.order(ByteOrder.BIG_ENDIAN).putInt(value).order(ByteOrder.nativeOrder());
        return this;
    }

    public MessageWriter u64Be(int type, long value) {
        header(type, NLA_HDRLEN + 8);
        buf.order(ByteOrder.BIG_ENDIAN).putLong(value).order(ByteOrder.nativeOrder());
        return this;
    }

    public MessageWriter bytes(int type, byte[] value) {
        int len = NLA_HDRLEN + value.length;
        header(type, len);
        buf.put(value);
        pad(len);
        return this;
    }

    /** A string attribute without the NUL, as libnftnl's mnl_attr_put_str writes objref names. */
    public MessageWriter stringNoNul(int type, String value) {
        return bytes(type, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends already-encoded attributes (an opaque nest body kept from a dump), padded to 4. */
    public MessageWriter raw(byte[] attributes) {
        ensure(Attrs.align4(attributes.length));
        buf.put(attributes);
        pad(attributes.length);
        return this;
    }

    /** As {@link #raw(byte[])}, from the remaining bytes of {@code attributes} (its position moves to its limit). */
    public MessageWriter raw(ByteBuffer attributes) {
        int length = attributes.remaining();
        ensure(Attrs.align4(length));
        buf.put(attributes);
        pad(length);
        return this;
    }

    /**
     * Makes room for {@code bytes} more in one step, to exactly that size: for a caller that
     * knows a large batch's size, which doubling could overshoot by almost as much again (every
     * byte of the direct buffer is resident).
     */
    public MessageWriter reserve(int bytes) {
        if (buf.remaining() < bytes) {
            grow(buf.position() + bytes);
        }
        return this;
    }

    /** Drops everything written after {@code size} (a value of {@link #size()}), e.g. an element that did not fit. */
    public MessageWriter truncate(int size) {
        if (size < 0 || size > buf.position()) {
            throw new IllegalArgumentException("cannot truncate to " + size);
        }
        buf.position(size);
        return this;
    }

    /** Opens a nest flagged NLA_F_NESTED; returns the token to pass to {@link #endNest}. */
    public int beginNest(int type) {
        int start = buf.position();
        header(type | NLA_F_NESTED, 0);
        return start;
    }

    public MessageWriter endNest(int token) {
        checkAttrLength(buf.position() - token);
        buf.putShort(token, (short) (buf.position() - token));
        return this;
    }

    /** Bytes written so far. */
    public int size() {
        return buf.position();
    }

    /** The written bytes, ready to send: position 0, limit at the end. Valid until the next write. */
    public ByteBuffer flip() {
        if (messageStart >= 0) {
            throw new IllegalStateException("message at " + messageStart + " not ended");
        }
        ByteBuffer out = buf.duplicate().order(ByteOrder.nativeOrder());
        out.flip();
        return out;
    }

    /** A heap copy of the written bytes (tests, golden comparisons). */
    public byte[] toByteArray() {
        ByteBuffer out = flip();
        byte[] copy = new byte[out.remaining()];
        out.get(copy);
        return copy;
    }

    public void reset() {
        buf.clear();
        messageStart = -1;
    }

    /**
     * Like {@link #reset()}, and a buffer grown past {@code maxRetainedCapacity} is replaced by
     * one of the initial capacity: a long-lived writer that once encoded a 50,000-element batch
     * (megabytes) would otherwise hold that native memory for the life of the process. Buffers
     * handed out by {@link #flip()} before this call stay valid, except a {@link #reusable} writer's.
     */
    public void resetAndShrink(int maxRetainedCapacity) {
        reset();
        if (buf.capacity() <= maxRetainedCapacity) {
            return;
        }
        if (freesGrown) {
            buf = initial.clear();
            grown.close();
            grown = null;
        } else {
            buf = ByteBuffer.allocateDirect(initialCapacity).order(ByteOrder.nativeOrder());
        }
    }

    public int capacity() {
        return buf.capacity();
    }

    private void header(int type, int len) {
        checkAttrLength(len);
        ensure(Attrs.align4(Math.max(len, NLA_HDRLEN)));
        buf.putShort((short) len).putShort((short) type);
    }

    /** nla_len is 16 bits: a longer attribute or nest would silently wrap. */
    private static void checkAttrLength(int len) {
        if (len > 0xffff) {
            throw new IllegalArgumentException("attribute of " + len + " bytes exceeds nla_len (65535)");
        }
    }

    private void pad(int len) {
        for (int i = len; i < Attrs.align4(len); i++) {
            buf.put((byte) 0);
        }
    }

    private void ensure(int extra) {
        if (buf.remaining() >= extra) {
            return;
        }
        grow(Math.max(buf.capacity() * 2, buf.position() + extra));
    }

    private void grow(int capacity) {
        NativeBuffer memory = freesGrown ? NativeBuffer.allocate(capacity) : null;
        ByteBuffer next =
                (memory == null ? ByteBuffer.allocateDirect(capacity) : memory.bytes()).order(ByteOrder.nativeOrder());
        buf.flip();
        next.put(buf);
        buf = next;
        if (grown != null) {
            grown.close();
        }
        grown = memory;
    }
}
