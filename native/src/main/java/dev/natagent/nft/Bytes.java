package dev.natagent.nft;

import dev.natagent.nl.Attr;
import dev.natagent.nl.MessageWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * An immutable byte string compared by value: register contents, set keys and data. Packet fields
 * are in network order, so {@link #u16Be} and {@link #ipv4} build keys the way the kernel sees them.
 */
public final class Bytes {
    private static final HexFormat HEX = HexFormat.of();
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] value;
    /** Cached as String does (0 = not yet): set keys are hashed several times per apply. */
    private int hash;

    /** Takes {@code value} without a copy: for builders in this package that made it. */
    Bytes(byte[] value) {
        this.value = value;
    }

    public static Bytes of(byte... value) {
        return new Bytes(value.clone());
    }

    public static Bytes ofHex(String hex) {
        return new Bytes(HEX.parseHex(hex));
    }

    public static Bytes u16Be(int value) {
        if ((value & ~0xffff) != 0) {
            throw new IllegalArgumentException("not a 16-bit value: " + value);
        }
        return new Bytes(new byte[] {(byte) (value >>> 8), (byte) value});
    }

    /** One byte, such as an IPPROTO_* number or a conntrack direction. */
    public static Bytes u8(int value) {
        if ((value & ~0xff) != 0) {
            throw new IllegalArgumentException("not an 8-bit value: " + value);
        }
        return new Bytes(new byte[] {(byte) value});
    }

    /** {@code length} zero bytes. */
    public static Bytes zeros(int length) {
        return new Bytes(new byte[length]);
    }

    /** A 32-bit value in host order: how meta, ct and fib results sit in registers. */
    public static Bytes u32Host(int value) {
        return new Bytes(ByteBuffer.allocate(4)
                .order(ByteOrder.nativeOrder())
                .putInt(value)
                .array());
    }

    public static Bytes u32Be(int value) {
        return new Bytes(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /** A dotted-quad IPv4 address in network order; rejects anything else (no DNS lookups). */
    public static Bytes ipv4(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet;
            try {
                octet = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted, e);
            }
            if (octet < 0
                    || octet > 255
                    || parts[i].length() > 3
                    || !parts[i].chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            out[i] = (byte) octet;
        }
        return new Bytes(out);
    }

    /**
     * A concatenation as nft lays it out in registers and set keys: each field zero-padded to a
     * multiple of 4 bytes ({@code 10.0.1.232 . 6379} = {@code 0a0001e8 18eb0000}).
     */
    public static Bytes concat(Bytes... fields) {
        int total = 0;
        for (Bytes field : fields) {
            total += paddedLength(field.length());
        }
        byte[] out = new byte[total];
        int pos = 0;
        for (Bytes field : fields) {
            System.arraycopy(field.value, 0, out, pos, field.length());
            pos += paddedLength(field.length());
        }
        return new Bytes(out);
    }

    /**
     * The fields of a concatenation of fields {@code lengths} bytes long, the inverse of {@link
     * #concat}; empty if these bytes are too short for them.
     */
    public Optional<List<Bytes>> split(List<Integer> lengths) {
        List<Bytes> fields = new ArrayList<>();
        int pos = 0;
        for (int length : lengths) {
            if (pos + length > value.length) {
                return Optional.empty();
            }
            fields.add(new Bytes(Arrays.copyOfRange(value, pos, pos + length)));
            pos += paddedLength(length);
        }
        return Optional.of(fields);
    }

    private static int paddedLength(int length) {
        return (length + 3) & ~3;
    }

    /** The payload of a received attribute. */
    public static Bytes of(Attr attr) {
        return new Bytes(attr.bytes());
    }

    public int length() {
        return value.length;
    }

    public byte get(int index) {
        return value[index];
    }

    /** The unsigned byte at {@code offset}. */
    public int u8At(int offset) {
        return value[offset] & 0xff;
    }

    /** The unsigned 16-bit network-order value at {@code offset}, such as a port. */
    public int u16BeAt(int offset) {
        return (value[offset] & 0xff) << 8 | (value[offset + 1] & 0xff);
    }

    /**
     * These bytes, at most eight, as one unsigned big-endian number: a value of a length known
     * otherwise (a map's data length), kept as a {@code long} in a table instead of as an object.
     *
     * @throws IllegalStateException when there are more than eight
     */
    public long asLongBe() {
        if (value.length > Long.BYTES) {
            throw new IllegalStateException(value.length + " bytes do not fit a long");
        }
        long number = 0;
        for (byte b : value) {
            number = number << 8 | (b & 0xff);
        }
        return number;
    }

    public byte[] toArray() {
        return value.clone();
    }

    /** Writes these bytes as the payload of attribute {@code type}. */
    public void write(MessageWriter w, int type) {
        w.bytes(type, value);
    }

    public String hex() {
        return HEX.formatHex(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bytes that && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            // Not Arrays.hashCode: its multiplier 31 maps the 65,536 two-byte port keys onto 8,161
            // values, so a HashMap of many forwards' keys would turn its buckets into trees. A
            // large odd multiplier keeps them apart.
            h = 1;
            for (byte b : value) {
                h = h * 0x01000193 + (b & 0xff);
            }
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return hex();
    }
}
