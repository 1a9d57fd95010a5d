package dev.natagent.nl;

import java.nio.ByteBuffer;

/**
 * Hand-built nf_tables messages for message-level tests of the transport (the codec proper lives in
 * dev.natagent.nft). Attribute numbers from linux/netfilter/nf_tables.h.
 */
final class TestMessages {
    static final int NFPROTO_IPV4 = 2;
    static final int NFNL_SUBSYS_NFTABLES = 10;
    static final int NEWTABLE = 0;
    static final int GETTABLE = 1;
    static final int DELCHAIN = 5;
    static final int NEWSET = 9;
    static final int NEWSETELEM = 12;
    static final int GETSETELEM = 13;
    static final int NEWGEN = 15;
    static final int GETGEN = 16;
    static final int NFNL_BATCH_GENID = 1;
    static final int NFTA_GEN_ID = 1;
    static final int NFTA_GEN_PROC_PID = 2;
    static final int NFTA_GEN_PROC_NAME = 3;

    private final MessageWriter out = new MessageWriter(1 << 16);
    private final int firstSeq;
    private int seq;

    /** A batch whose messages are numbered from {@code firstSeq}; BEGIN is written at once. */
    TestMessages(int firstSeq) {
        this(firstSeq, -1);
    }

    /** With {@code genId >= 0}, BEGIN carries NFNL_BATCH_GENID. */
    TestMessages(int firstSeq, int genId) {
        this.firstSeq = firstSeq;
        this.seq = firstSeq;
        out.beginMessage(NetlinkSession.NFNL_MSG_BATCH_BEGIN, NlFlags.REQUEST, seq++, 0, NFNL_SUBSYS_NFTABLES);
        if (genId >= 0) {
            out.u32Be(NFNL_BATCH_GENID, genId);
        }
        out.endMessage();
    }

    static int type(int msg) {
        return NFNL_SUBSYS_NFTABLES << 8 | msg;
    }

    int beginSeq() {
        return firstSeq;
    }

    /** Seq of the most recently written message. */
    int lastSeq() {
        return seq - 1;
    }

    TestMessages table(String name, int flags) {
        out.beginMessage(type(NEWTABLE), NlFlags.REQUEST | NlFlags.ACK | flags, seq++, NFPROTO_IPV4, 0)
                .string(1, name)
                .u32Be(2, 0)
                .endMessage();
        return this;
    }

    TestMessages deleteChain(String table, String chain) {
        out.beginMessage(type(DELCHAIN), NlFlags.REQUEST | NlFlags.ACK, seq++, NFPROTO_IPV4, 0)
                .string(1, table)
                .string(3, chain)
                .endMessage();
        return this;
    }

    /** A message type nf_tables does not know (EINVAL). */
    TestMessages bogus() {
        out.beginMessage(type(0x7f), NlFlags.REQUEST | NlFlags.ACK, seq++, NFPROTO_IPV4, 0)
                .endMessage();
        return this;
    }

    /** {@code map NAME { type inet_service : ipv4_addr . inet_service }}, as nft encodes it. */
    TestMessages portMap(String table, String name) {
        out.beginMessage(type(NEWSET), NlFlags.REQUEST | NlFlags.ACK | NlFlags.CREATE, seq++, NFPROTO_IPV4, 0)
                .string(1, table)
                .string(2, name)
                .u32Be(3, 0x8)
                .u32Be(4, 13)
                .u32Be(5, 2)
                .u32Be(6, 461)
                .u32Be(7, 8)
                .u32Be(10, 1)
                .endMessage();
        return this;
    }

    /**
     * Elements {@code port : 10.0.x.y . 6379} for ports {@code [from, to)}, as NEWSETELEM messages of
     * at most {@code perMessage} elements each (a nest is limited to 64 KiB).
     */
    TestMessages portMapElements(String table, String set, int from, int to, int perMessage) {
        for (int start = from; start < to; start += perMessage) {
            out.beginMessage(type(NEWSETELEM), NlFlags.REQUEST | NlFlags.ACK | NlFlags.CREATE, seq++, NFPROTO_IPV4, 0)
                    .string(1, table)
                    .string(2, set);
            int list = out.beginNest(3);
            for (int port = start; port < Math.min(to, start + perMessage); port++) {
                int elem = out.beginNest(1);
                int key = out.beginNest(1);
                out.bytes(1, new byte[] {(byte) (port >>> 8), (byte) port});
                out.endNest(key);
                int data = out.beginNest(2);
                out.bytes(1, new byte[] {10, 0, (byte) (port >>> 8), (byte) port, 0x18, (byte) 0xeb, 0, 0});
                out.endNest(data);
                out.endNest(elem);
            }
            out.endNest(list);
            out.endMessage();
        }
        return this;
    }

    /** Writes BATCH_END and returns the whole batch. */
    ByteBuffer end() {
        out.beginMessage(NetlinkSession.NFNL_MSG_BATCH_END, NlFlags.REQUEST, seq++, 0, NFNL_SUBSYS_NFTABLES)
                .endMessage();
        return out.flip();
    }

    /** Number of seqs this batch used, BEGIN and END included. */
    int seqCount() {
        return seq - firstSeq;
    }

    static ByteBuffer getGen() {
        return new MessageWriter(64)
                .beginMessage(type(GETGEN), 0, 0, 0, 0)
                .endMessage()
                .flip();
    }

    static ByteBuffer dumpTables() {
        return new MessageWriter(64)
                .beginMessage(type(GETTABLE), 0, 0, NFPROTO_IPV4, 0)
                .endMessage()
                .flip();
    }

    static ByteBuffer dumpElements(String table, String set) {
        return new MessageWriter(128)
                .beginMessage(type(GETSETELEM), 0, 0, NFPROTO_IPV4, 0)
                .string(1, table)
                .string(2, set)
                .endMessage()
                .flip();
    }

    /** Counts the ELEM entries of NEWSETELEM dump replies. */
    static int countElements(Iterable<NlMessage> replies) throws NetlinkDecodeException {
        int count = 0;
        for (NlMessage reply : replies) {
            Attr list = reply.attrs().find(3);
            if (list != null) {
                count += list.nested().all().size();
            }
        }
        return count;
    }
}
