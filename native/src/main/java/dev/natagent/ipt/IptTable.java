package dev.natagent.ipt;

import dev.natagent.nft.Bytes;
import dev.natagent.nft.expr.Xt;
import dev.natagent.nl.InetSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A legacy iptables (x_tables) IPv4 table as the kernel hands it out: IPT_SO_GET_INFO then
 * IPT_SO_GET_ENTRIES on an IPv4 socket. Layouts of x86-64/aarch64 (linux/netfilter_ipv4/ip_tables.h):
 *
 * <pre>
 * ipt_getinfo     name[32], valid_hooks u32, hook_entry[5] u32, underflow[5] u32, num_entries u32, size u32
 * ipt_get_entries name[32], size u32, (pad to 8), ipt_entry entrytable[]
 * ipt_entry       ipt_ip (src, dst, smsk, dmsk u32; iniface, outiface, masks [16] x4; proto u16,
 *                 flags u8, invflags u8) = 84, nfcache u32, target_offset u16, next_offset u16,
 *                 comefrom u32, counters (2 x u64) = 112, then matches, then the target
 * xt_entry_match / xt_entry_target: size u16, name[29], revision u8, data
 * </pre>
 *
 * @param hookEntry offset of each hook's first rule (NF_INET_PRE_ROUTING = 0 ...), -1 if not hooked
 * @param entries every rule in table order
 */
public record IptTable(int[] hookEntry, List<Entry> entries) {
    public static final int IPT_SO_GET_INFO = 64;
    public static final int IPT_SO_GET_ENTRIES = 65;
    private static final int SOL_IP = 0;
    private static final int NAME_LEN = 32;
    private static final int HOOKS = 5;
    private static final int INFO_SIZE = NAME_LEN + 4 + 4 * HOOKS * 2 + 4 + 4;
    private static final int ENTRIES_HEADER = 40;
    private static final int ENTRY_SIZE = 112;
    private static final int XT_HEADER = 32;
    private static final int XT_NAME_LEN = 29;
    private static final int IPT_F_GOTO = 0x02;
    private static final int IPT_INV_PROTO = 0x40;
    /** Standard target verdicts below 0 are -NF_verdict - 1; XT_RETURN is -NF_REPEAT - 1. */
    public static final int XT_RETURN = -5;

    /**
     * One rule.
     *
     * @param offset its offset in the table (what jumps name)
     * @param protocol IP protocol it matches (0 for any)
     * @param protocolInverted {@code ! -p}
     * @param unconditional no address, interface, protocol or match condition
     * @param isGoto {@code -g} rather than {@code -j}
     * @param matches its matches, as x_tables structures
     * @param target its target (the standard target has the empty name)
     * @param verdict the standard target's verdict: a jump offset (>= 0) or a negative verdict
     * @param chainName for the ERROR target that heads a user chain, the chain's name
     */
    public record Entry(
            int offset,
            int protocol,
            boolean protocolInverted,
            boolean unconditional,
            boolean isGoto,
            List<Xt> matches,
            Xt target,
            OptionalInt verdict,
            Optional<String> chainName) {}

    /** Reads {@code table} (e.g. "nat"); the table must exist (the kernel may otherwise create it). */
    public static IptTable read(InetSocket socket, String table) throws IOException {
        ByteBuffer info = ByteBuffer.allocateDirect(INFO_SIZE).order(ByteOrder.nativeOrder());
        putName(info, table);
        socket.getsockopt(SOL_IP, IPT_SO_GET_INFO, info, "IPT_SO_GET_INFO");
        int[] hookEntry = new int[HOOKS];
        int validHooks = info.getInt(NAME_LEN);
        for (int hook = 0; hook < HOOKS; hook++) {
            hookEntry[hook] = (validHooks & (1 << hook)) != 0 ? info.getInt(NAME_LEN + 4 + 4 * hook) : -1;
        }
        int size = info.getInt(INFO_SIZE - 4);
        ByteBuffer entries = ByteBuffer.allocateDirect(ENTRIES_HEADER + size).order(ByteOrder.nativeOrder());
        putName(entries, table);
        entries.putInt(NAME_LEN, size);
        int got = socket.getsockopt(SOL_IP, IPT_SO_GET_ENTRIES, entries, "IPT_SO_GET_ENTRIES");
        if (got != ENTRIES_HEADER + size || entries.getInt(NAME_LEN) != size) {
            throw new IOException("the " + table + " table changed while it was read; try again");
        }
        return new IptTable(hookEntry, parse(entries.slice(ENTRIES_HEADER, size).order(ByteOrder.nativeOrder())));
    }

    static List<Entry> parse(ByteBuffer b) throws IOException {
        List<Entry> entries = new ArrayList<>();
        int offset = 0;
        while (offset + ENTRY_SIZE <= b.limit()) {
            int targetOffset = b.getShort(offset + 88) & 0xffff;
            int nextOffset = b.getShort(offset + 90) & 0xffff;
            if (targetOffset < ENTRY_SIZE || nextOffset < targetOffset + XT_HEADER || offset + nextOffset > b.limit()) {
                throw new IOException("malformed x_tables entry at offset " + offset);
            }
            List<Xt> matches = new ArrayList<>();
            for (int m = offset + ENTRY_SIZE; m < offset + targetOffset; ) {
                int matchSize = b.getShort(m) & 0xffff;
                if (matchSize < XT_HEADER || m + matchSize > offset + targetOffset) {
                    throw new IOException("malformed x_tables match at offset " + m);
                }
                matches.add(xt(b, Xt.MATCH, m, matchSize));
                m += matchSize;
            }
            int targetSize = b.getShort(offset + targetOffset) & 0xffff;
            Xt target = xt(b, Xt.TARGET, offset + targetOffset, Math.min(targetSize, nextOffset - targetOffset));
            OptionalInt verdict = target.module().isEmpty() && target.info().length() >= 4
                    ? OptionalInt.of(b.getInt(offset + targetOffset + XT_HEADER))
                    : OptionalInt.empty();
            Optional<String> chainName = target.module().equals("ERROR")
                    ? Optional.of(cString(b, offset + targetOffset + XT_HEADER, NAME_LEN))
                    : Optional.empty();
            boolean noAddressOrInterface = true;
            for (int i = 0; i < 80; i++) {
                noAddressOrInterface &= b.get(offset + i) == 0;
            }
            int protocol = b.getShort(offset + 80) & 0xffff;
            int flags = b.get(offset + 82) & 0xff;
            int invflags = b.get(offset + 83) & 0xff;
            entries.add(new Entry(
                    offset,
                    protocol,
                    (invflags & IPT_INV_PROTO) != 0,
                    noAddressOrInterface && protocol == 0 && invflags == 0 && matches.isEmpty(),
                    (flags & IPT_F_GOTO) != 0,
                    matches,
                    target,
                    verdict,
                    chainName));
            offset += nextOffset;
        }
        return entries;
    }

    private static Xt xt(ByteBuffer b, String kind, int at, int size) {
        byte[] data = new byte[size - XT_HEADER];
        b.get(at + XT_HEADER, data);
        return new Xt(kind, cString(b, at + 2, XT_NAME_LEN), b.get(at + 2 + XT_NAME_LEN) & 0xff, Bytes.of(data));
    }

    private static String cString(ByteBuffer b, int at, int max) {
        int len = 0;
        while (len < max && b.get(at + len) != 0) {
            len++;
        }
        byte[] bytes = new byte[len];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static void putName(ByteBuffer buf, String table) {
        byte[] name = table.getBytes(StandardCharsets.US_ASCII);
        if (name.length >= NAME_LEN) {
            throw new IllegalArgumentException("table name too long: " + table);
        }
        buf.put(0, name);
    }
}
