package dev.natagent.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.constants.platform.AddressFamily;

/**
 * struct sockaddr_nl (linux/netlink.h), 12 bytes, host order:
 * {@code u16 nl_family | u16 nl_pad | u32 nl_pid | u32 nl_groups}. {@code nl_pid} is the port id
 * (0 = the kernel); {@code nl_groups} a bitmask of multicast groups 1..32.
 */
record StructSockaddrNl(int nlPid, int nlGroups) {
    static final int SIZE = 12;

    /** A fresh direct buffer holding this address. */
    ByteBuffer toBuffer() {
        ByteBuffer buf = allocate();
        buf.putShort(0, (short) AddressFamily.AF_NETLINK.intValue());
        buf.putShort(2, (short) 0);
        buf.putInt(4, nlPid);
        buf.putInt(8, nlGroups);
        return buf;
    }

    static StructSockaddrNl from(ByteBuffer buf) {
        return new StructSockaddrNl(buf.getInt(4), buf.getInt(8));
    }

    static ByteBuffer allocate() {
        return ByteBuffer.allocateDirect(SIZE).order(ByteOrder.nativeOrder());
    }
}
