package dev.natagent.agent.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** An inclusive range of IPv4 addresses, the shape of an nftables interval element. */
public record Ipv4Range(Ipv4 first, Ipv4 last) {
    public Ipv4Range {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("range " + first + "-" + last + " ends before it starts");
        }
    }

    /**
     * The union of {@code ranges} as sorted, disjoint, non-adjacent ranges: overlapping and touching
     * ranges are joined, because the kernel refuses overlapping interval elements.
     */
    public static List<Ipv4Range> union(Collection<Ipv4Range> ranges) {
        List<Ipv4Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(Ipv4Range::first));
        List<Ipv4Range> merged = new ArrayList<>();
        for (Ipv4Range range : sorted) {
            int lastIndex = merged.size() - 1;
            if (lastIndex >= 0
                    && merged.get(lastIndex).last().unsigned() + 1
                            >= range.first().unsigned()) {
                Ipv4Range previous = merged.get(lastIndex);
                Ipv4Range wider = previous.last().compareTo(range.last()) >= 0
                        ? previous
                        : new Ipv4Range(previous.first(), range.last());
                merged.set(lastIndex, wider);
            } else {
                merged.add(range);
            }
        }
        return List.copyOf(merged);
    }

    /** The fewest CIDR blocks that cover exactly this range, in address order. */
    public List<Cidr> toCidrs() {
        List<Cidr> blocks = new ArrayList<>();
        long start = first.unsigned();
        long end = last.unsigned();
        while (start <= end) {
            // Largest block aligned at start that does not run past end.
            int hostBits = start == 0 ? 32 : Long.numberOfTrailingZeros(start);
            while (hostBits > 0 && start + (1L << hostBits) - 1 > end) {
                hostBits--;
            }
            blocks.add(new Cidr(new Ipv4((int) start), 32 - hostBits));
            start += 1L << hostBits;
        }
        return List.copyOf(blocks);
    }

    public boolean contains(Ipv4 address) {
        return first.compareTo(address) <= 0 && address.compareTo(last) <= 0;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
