package dev.natagent.agent.reconcile;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Ipv4Range;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.SetElement;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * One allow-list as the kernel holds it, shared by every forward whose allow-list admits the same
 * addresses: a regular chain and an interval set of ipv4 addresses, both named {@code allow_} and
 * 16 hex digits of a SHA-256 of the address ranges. The name follows from the content alone, so
 * every start, change and listing agrees on it without a registry. The content of a group never
 * changes: a forward whose allow-list changes moves to another group.
 *
 * @param ranges the admitted addresses: sorted, disjoint, non-adjacent (never empty)
 */
public record AllowGroup(String name, List<Ipv4Range> ranges) {
    private static final int NAME_HASH_BYTES = 8;
    private static final long LAST_ADDRESS = 0xffff_ffffL;

    public AllowGroup {
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("an allow-list group admits some address");
        }
    }

    /** The group of a non-empty allow-list (see {@link AllowGroups} to hash each list once). */
    public static AllowGroup of(Collection<Cidr> allow) {
        List<Ipv4Range> ranges = Cidr.toRanges(allow);
        return new AllowGroup(KernelLayout.ALLOW_PREFIX + contentHash(ranges), ranges);
    }

    public Chain chain() {
        return KernelLayout.allowChain(name);
    }

    /** The set, with {@code id} naming it within the batch that creates it. */
    public NftSet set(int id) {
        return KernelLayout.allowSet(name, id);
    }

    /**
     * The set's elements: per range a start and an interval end at the first address after it (none
     * for a range that runs to 255.255.255.255: the last start then matches to the end).
     */
    public List<SetElement> elements() {
        List<SetElement> elements = new ArrayList<>(2 * ranges.size());
        for (Ipv4Range range : ranges) {
            elements.add(SetElement.key(Bytes.of(range.first().toBytes())));
            long after = range.last().unsigned() + 1;
            if (after <= LAST_ADDRESS) {
                elements.add(SetElement.intervalEnd(Bytes.of(new Ipv4((int) after).toBytes())));
            }
        }
        return elements;
    }

    private static String contentHash(List<Ipv4Range> ranges) {
        ByteBuffer content = ByteBuffer.allocate(8 * ranges.size());
        for (Ipv4Range range : ranges) {
            content.putInt(range.first().bits()).putInt(range.last().bits());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.array());
            return HexFormat.of().formatHex(digest, 0, NAME_HASH_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
