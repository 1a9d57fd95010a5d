package dev.natagent.nft;

/**
 * Numbers of the nf_tables netlink protocol (linux/netfilter/nf_tables.h, nfnetlink.h): message
 * types, batch markers, families. A message's nlmsg_type is {@code NFNL_SUBSYS_NFTABLES << 8 | msg};
 * batch markers use subsystem 0. ({@link NftMessage} is a decoded message.)
 */
public final class NftConstants {
    public static final int NFNL_SUBSYS_NFTABLES = 10;

    public static final int NEWTABLE = 0;
    public static final int GETTABLE = 1;
    public static final int DELTABLE = 2;
    public static final int NEWCHAIN = 3;
    public static final int GETCHAIN = 4;
    public static final int DELCHAIN = 5;
    public static final int NEWRULE = 6;
    public static final int GETRULE = 7;
    public static final int DELRULE = 8;
    public static final int NEWSET = 9;
    public static final int GETSET = 10;
    public static final int DELSET = 11;
    public static final int NEWSETELEM = 12;
    public static final int GETSETELEM = 13;
    public static final int DELSETELEM = 14;
    public static final int NEWGEN = 15;
    public static final int GETGEN = 16;
    public static final int NEWOBJ = 18;
    public static final int GETOBJ = 19;
    public static final int DELOBJ = 20;
    public static final int GETOBJ_RESET = 21;
    /** [new kernels] missing from the 6.1 UAPI header; work on 6.18. */
    public static final int GETRULE_RESET = 25;

    public static final int DESTROYTABLE = 26;
    public static final int DESTROYCHAIN = 27;
    public static final int DESTROYRULE = 28;
    public static final int DESTROYSET = 29;
    public static final int DESTROYSETELEM = 30;
    public static final int DESTROYOBJ = 31;

    /** nlmsg_type of the batch markers (subsystem 0, family 0, res_id = the subsystem). */
    public static final int BATCH_BEGIN = 0x10;

    public static final int BATCH_END = 0x11;
    /** NFNL_BATCH_GENID attribute of BATCH_BEGIN: the kernel refuses the batch (ERESTART) if stale. */
    public static final int NFNL_BATCH_GENID = 1;

    public static final int NFPROTO_UNSPEC = 0;
    public static final int NFPROTO_INET = 1;
    public static final int NFPROTO_IPV4 = 2;
    public static final int NFPROTO_IPV6 = 10;

    /** Nest member type for lists (rule expressions, set elements, concat descriptions). */
    public static final int NFTA_LIST_ELEM = 1;

    private NftConstants() {}

    /** nlmsg_type of nf_tables message {@code msg}. */
    public static int type(int msg) {
        return NFNL_SUBSYS_NFTABLES << 8 | msg;
    }

    /** The family as nft spells it ("ip", "ip6", "inet"), for error descriptions. */
    public static String familyName(int family) {
        return switch (family) {
            case NFPROTO_INET -> "inet";
            case NFPROTO_IPV4 -> "ip";
            case NFPROTO_IPV6 -> "ip6";
            default -> "family" + family;
        };
    }
}
