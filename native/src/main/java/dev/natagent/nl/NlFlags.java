package dev.natagent.nl;

/** nlmsghdr.nlmsg_flags bits (linux/netlink.h) used by nf_tables requests and replies. */
public final class NlFlags {
    public static final int REQUEST = 0x1;
    public static final int MULTI = 0x2;
    public static final int ACK = 0x4;
    public static final int ECHO = 0x8;
    /** Set on a dump reply when the ruleset changed while the dump ran: restart the dump. */
    public static final int DUMP_INTR = 0x10;

    // GET requests
    public static final int ROOT = 0x100;
    public static final int MATCH = 0x200;
    public static final int DUMP = ROOT | MATCH;

    // NEW requests
    public static final int REPLACE = 0x100;
    public static final int EXCL = 0x200;
    public static final int CREATE = 0x400;
    public static final int APPEND = 0x800;

    // DELETE requests: refuse (EBUSY) to delete a non-empty table or chain
    public static final int NONREC = 0x100;

    // NLMSG_ERROR replies
    public static final int CAPPED = 0x100;
    public static final int ACK_TLVS = 0x200;

    private NlFlags() {}
}
