package dev.natagent.agent.service;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** A set of ports 0-65535 as sorted, disjoint, inclusive ranges. */
public final class PortSet {
    private static final int MAX = 65535;
    public static final PortSet ALL = new PortSet(List.of(new int[] {0, MAX}));
    public static final PortSet NONE = new PortSet(List.of());

    private final List<int[]> ranges;

    private PortSet(List<int[]> ranges) {
        this.ranges = ranges;
    }

    public static PortSet range(int first, int last) {
        return first > last ? NONE : new PortSet(List.of(new int[] {Math.max(0, first), Math.min(MAX, last)}));
    }

    /** The union of inclusive ranges given in any order, overlapping or not. */
    public static PortSet of(List<int[]> ranges) {
        List<int[]> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : sorted) {
            if (r[0] > r[1]) {
                continue;
            }
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new int[] {r[0], r[1]});
            }
        }
        return new PortSet(merged);
    }

    public PortSet intersect(PortSet other) {
        List<int[]> out = new ArrayList<>();
        for (int[] a : ranges) {
            for (int[] b : other.ranges) {
                int first = Math.max(a[0], b[0]);
                int last = Math.min(a[1], b[1]);
                if (first <= last) {
                    out.add(new int[] {first, last});
                }
            }
        }
        return of(out);
    }

    public PortSet union(PortSet other) {
        List<int[]> both = new ArrayList<>(ranges);
        both.addAll(other.ranges);
        return of(both);
    }

    public PortSet complement() {
        List<int[]> out = new ArrayList<>();
        int next = 0;
        for (int[] r : ranges) {
            if (r[0] > next) {
                out.add(new int[] {next, r[0] - 1});
            }
            next = r[1] + 1;
        }
        if (next <= MAX) {
            out.add(new int[] {next, MAX});
        }
        return new PortSet(out);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** "6379", "7000-7010, 8000" or "any". */
    @Override
    public String toString() {
        if (ranges.size() == 1 && ranges.get(0)[0] == 0 && ranges.get(0)[1] == MAX) {
            return "any";
        }
        StringJoiner text = new StringJoiner(", ");
        ranges.forEach(r -> text.add(r[0] == r[1] ? Integer.toString(r[0]) : r[0] + "-" + r[1]));
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PortSet set && set.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
