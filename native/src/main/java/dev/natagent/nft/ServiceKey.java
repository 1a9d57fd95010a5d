package dev.natagent.nft;

/**
 * Keys and data of the two concatenated types a port-keyed map uses, laid out as {@link
 * Bytes#concat} does (each field zero-padded to 4 bytes), built and read in place because a large
 * apply makes and a dump decodes one per element:
 *
 * <pre>
 * inet_proto . inet_service   proto(1) pad(3) port(2, network order) pad(2)
 * ipv4_addr . inet_service    addr(4, network order) port(2, network order) pad(2)
 * </pre>
 */
public final class ServiceKey {
    /** Length of either concatenation. */
    public static final int LENGTH = 8;

    private static final int SERVICE_OFFSET = 4;

    private ServiceKey() {}

    /** {@code inet_proto . inet_service}: an IPPROTO_* number and a port. */
    public static Bytes protoService(int protocol, int port) {
        byte[] key = new byte[LENGTH];
        key[0] = (byte) checked(protocol, 0xff, "protocol number");
        putService(key, port);
        return new Bytes(key);
    }

    /** {@code ipv4_addr . inet_service}: four address bytes in network order and a port. */
    public static Bytes addrService(byte[] address, int port) {
        if (address.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + address.length + " bytes");
        }
        byte[] data = new byte[LENGTH];
        System.arraycopy(address, 0, data, 0, 4);
        putService(data, port);
        return new Bytes(data);
    }

    /**
     * The protocol number of an {@code inet_proto . inet_service} key; -1 if it is no such key (another
     * length, or padding that is not zero: a key nft never makes, which the kernel keeps apart).
     */
    public static int protocol(Bytes key) {
        if (key.length() != LENGTH
                || key.get(1) != 0
                || key.get(2) != 0
                || key.get(3) != 0
                || key.get(6) != 0
                || key.get(7) != 0) {
            return -1;
        }
        return key.u8At(0);
    }

    /** The port of either concatenation; -1 if it has another length. */
    public static int service(Bytes key) {
        return key.length() == LENGTH ? key.u16BeAt(SERVICE_OFFSET) : -1;
    }

    /**
     * The address of an {@code ipv4_addr . inet_service} value, or null if {@code data} is not
     * exactly that concatenation (wrong length or non-zero padding).
     */
    public static byte[] address(Bytes data) {
        if (data.length() != LENGTH || data.get(6) != 0 || data.get(7) != 0) {
            return null;
        }
        return new byte[] {data.get(0), data.get(1), data.get(2), data.get(3)};
    }

    private static void putService(byte[] key, int port) {
        checked(port, 0xffff, "port");
        key[SERVICE_OFFSET] = (byte) (port >>> 8);
        key[SERVICE_OFFSET + 1] = (byte) port;
    }

    private static int checked(int value, int max, String what) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("not a " + what + ": " + value);
        }
        return value;
    }
}
