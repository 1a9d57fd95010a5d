package dev.natagent.agent.reconcile;

import static dev.natagent.agent.reconcile.KernelLayout.TABLE;

import dev.natagent.nft.NftData;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.client.ElementReader;
import java.io.IOException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The elements of the fixed sets and maps ({@link KernelLayout#sets}, all keyed by listen key) in
 * flat arrays by listen index: which keys each holds and, in a map, each key's data as one number.
 * What a state renders to is put in ({@link #want}); the kernel's elements are then compared with
 * it as their dumps are decoded ({@link #matchKernel}), so a comparison holds a few arrays of
 * {@value KernelLayout#LISTEN_KEYS} entries, never the elements of either side as objects.
 *
 * <p>Exact, as the {@link Planner}'s element diff is (counters aside): an element that does not fit
 * the form (a key that is no canonical listen key, a key end, flags, data of another kind or
 * length) is a difference. Not thread-safe.
 */
final class DenseElements {
    /** The names of the sets held here. */
    static final Set<String> SETS =
            Set.copyOf(KernelLayout.sets().stream().map(NftSet::name).toList());

    private final Map<String, DenseSet> sets = new LinkedHashMap<>();
    /** Every member wanted so far fits the form (a state's rendering always does). */
    private boolean exact = true;

    DenseElements() {
        for (NftSet set : KernelLayout.sets()) {
            sets.put(set.name(), new DenseSet(set));
        }
    }

    /** Adds an element the table should hold. */
    void want(Renderer.SetMember member) {
        DenseSet set = sets.get(member.set());
        exact &= set != null && set.want(member.element());
    }

    /**
     * Whether the kernel's elements of every set held here are exactly those wanted (one dump of
     * each, stopped comparing at the first difference). False also when something wanted did not
     * fit the form, so that the caller compares the objects instead.
     */
    boolean matchKernel(NftPort port) throws IOException {
        if (!exact) {
            return false;
        }
        for (DenseSet set : sets.values()) {
            Comparison comparison = new Comparison(set);
            port.forEachElement(TABLE, set.name, comparison);
            if (!comparison.matched()) {
                return false;
            }
        }
        return true;
    }

    /** One set's wanted elements. */
    private static final class DenseSet {
        private final String name;
        private final boolean verdicts;
        /** Length of a map's data values; 0 for a set and for a verdict map. */
        private final int valueLength;

        private final BitSet wanted = new BitSet(KernelLayout.LISTEN_KEYS);
        /** A map's data by listen index (see {@link #number}); made when the first entry is wanted. */
        private long[] data;
        /** A verdict map's distinct verdicts, numbered as first wanted. */
        private final Map<NftData.Verdict, Integer> verdictNumbers = new HashMap<>();

        DenseSet(NftSet set) {
            this.name = set.name();
            this.verdicts = (set.flags() & NftSet.F_MAP) != 0 && set.dataType() == NftSet.TYPE_VERDICT;
            this.valueLength = (set.flags() & NftSet.F_MAP) != 0 && !verdicts ? set.dataLen() : 0;
        }

        private boolean isMap() {
            return verdicts || valueLength > 0;
        }

        /** False when the element does not fit the form, or its key is wanted already. */
        boolean want(SetElement element) {
            int index = indexOf(element);
            if (index < 0 || wanted.get(index) || !fits(element.data())) {
                return false;
            }
            wanted.set(index);
            if (isMap()) {
                if (data == null) {
                    data = new long[KernelLayout.LISTEN_KEYS];
                }
                NftData value = element.data().orElseThrow();
                data[index] = value instanceof NftData.Verdict verdict
                        ? verdictNumbers.computeIfAbsent(verdict, v -> verdictNumbers.size())
                        : number(value);
            }
            return true;
        }

        /** Whether a kernel element is one wanted, with the data wanted. */
        boolean isWanted(SetElement element) {
            int index = indexOf(element);
            if (index < 0 || !wanted.get(index) || !fits(element.data())) {
                return false;
            }
            return !isMap() || data[index] == number(element.data().orElseThrow());
        }

        /** A listen index; -1 for an element that is not one plain listen key. */
        private static int indexOf(SetElement element) {
            return element.keyEnd().isEmpty() && element.flags() == 0 ? KernelLayout.listenIndex(element.key()) : -1;
        }

        /** Whether {@code data} is of the kind this set's elements carry: none, a value of its length, or a verdict. */
        private boolean fits(Optional<NftData> data) {
            if (!isMap()) {
                return data.isEmpty();
            }
            return data.isPresent()
                    && (verdicts
                            ? data.get() instanceof NftData.Verdict
                            : data.get() instanceof NftData.Value value
                                    && value.bytes().length() == valueLength);
        }

        /**
         * Data that fits, as a number: a value's bytes, or a verdict's number (-1 for a verdict
         * never wanted, which no wanted entry has).
         */
        private long number(NftData value) {
            if (value instanceof NftData.Verdict verdict) {
                return verdictNumbers.getOrDefault(verdict, -1);
            }
            return ((NftData.Value) value).bytes().asLongBe();
        }
    }

    /** One set's dump against its wanted elements: each key once, all of them, nothing else. */
    private static final class Comparison implements ElementReader {
        private final DenseSet set;
        private final BitSet seen = new BitSet(KernelLayout.LISTEN_KEYS);
        private boolean differs;

        Comparison(DenseSet set) {
            this.set = set;
        }

        @Override
        public void accept(SetElement element) {
            if (differs) {
                return;
            }
            int index = DenseSet.indexOf(element);
            if (!set.isWanted(element) || seen.get(index)) {
                differs = true;
                return;
            }
            seen.set(index);
        }

        @Override
        public void restart() {
            seen.clear();
            differs = false;
        }

        boolean matched() {
            return !differs && seen.cardinality() == set.wanted.cardinality();
        }
    }
}
