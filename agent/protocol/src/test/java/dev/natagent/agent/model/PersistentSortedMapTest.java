package dev.natagent.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PersistentSortedMapTest {

    @Test
    void behavesLikeATreeMapAndOldVersionsStayIntact() {
        Random random = new Random(7);
        TreeMap<String, Integer> reference = new TreeMap<>();
        PersistentSortedMap<Integer> map = PersistentSortedMap.empty();
        List<PersistentSortedMap<Integer>> versions = new ArrayList<>();
        List<TreeMap<String, Integer>> snapshots = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            String key = "k" + random.nextInt(2_000);
            if (random.nextInt(3) == 0) {
                reference.remove(key);
                map = map.minus(key);
            } else {
                reference.put(key, step);
                map = map.plus(key, step);
            }
            if (step % 997 == 0) {
                versions.add(map);
                snapshots.add(new TreeMap<>(reference));
            }
        }
        assertEquals(reference, map);
        assertEquals(map, reference);
        assertEquals(reference.hashCode(), map.hashCode());
        assertEquals(List.copyOf(reference.keySet()), List.copyOf(map.keySet()));
        assertEquals(reference.firstKey(), map.firstKey());
        assertEquals(reference.lastKey(), map.lastKey());
        assertEquals(reference.subMap("k1", "k2"), map.subMap("k1", "k2"));
        for (int i = 0; i < versions.size(); i++) {
            assertEquals(snapshots.get(i), versions.get(i), "version " + i + " was changed by later updates");
        }
    }

    @Test
    void staysBalanced() {
        PersistentSortedMap<Integer> map = PersistentSortedMap.empty();
        for (int i = 0; i < 100_000; i++) {
            map = map.plus(String.format("f%06d", i), i);
        }
        assertEquals(100_000, map.size());
        assertEquals(99_999, map.get("f099999"));
        // Sequential inserts are the worst case for an unbalanced tree; AVL depth is at most 1.44 log2 N.
        assertTrue(map.height() <= 1.45 * Math.log(100_002) / Math.log(2), "height " + map.height());
    }

    @Test
    void builtInOnePassEqualsBuiltByPlusAndStaysUsable() {
        Random random = new Random(11);
        for (int size : new int[] {0, 1, 2, 3, 7, 64, 1_000, 50_000}) {
            TreeMap<String, Integer> reference = new TreeMap<>();
            PersistentSortedMap<Integer> byPlus = PersistentSortedMap.empty();
            while (reference.size() < size) {
                String key = "k" + random.nextInt(10 * size + 1);
                reference.put(key, size);
                byPlus = byPlus.plus(key, size);
            }
            PersistentSortedMap<Integer> built = PersistentSortedMap.of(reference);
            assertEquals(byPlus, built);
            assertEquals(List.copyOf(reference.keySet()), List.copyOf(built.keySet()));
            // Perfectly balanced: the height of a complete tree of that size.
            int expected = 32 - Integer.numberOfLeadingZeros(size);
            assertEquals(expected, built.height(), "height at " + size);
            TreeMap<String, Integer> changedReference = new TreeMap<>(reference);
            changedReference.put("new", -1);
            String smallest = changedReference.pollFirstEntry().getKey();
            assertEquals(changedReference, built.plus("new", -1).minus(smallest));
            assertEquals(reference, built, "the one-pass map is persistent like the others");
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> PersistentSortedMap.of(new TreeMap<String, Integer>(java.util.Comparator.reverseOrder())));
    }

    @Test
    void sortedListsMustBeStrictlyAscendingAndOfEqualLength() {
        assertEquals(
                List.of("a", "b", "c"),
                List.copyOf(PersistentSortedMap.ofSorted(List.of("a", "b", "c"), List.of(1, 2, 3))
                        .keySet()));
        assertThrows(
                IllegalArgumentException.class,
                () -> PersistentSortedMap.ofSorted(List.of("a", "c", "b"), List.of(1, 2, 3)));
        assertThrows(
                IllegalArgumentException.class, () -> PersistentSortedMap.ofSorted(List.of("a", "a"), List.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> PersistentSortedMap.ofSorted(List.of("a"), List.of(1, 2)));
    }

    @Test
    void absentKeysLeaveTheMapAsIs() {
        PersistentSortedMap<Integer> map = PersistentSortedMap.<Integer>empty().plus("a", 1);
        assertSame(map, map.minus("b"));
        Integer one = map.get("a");
        assertSame(map, map.plus("a", one));
        assertThrows(
                NoSuchElementException.class, () -> PersistentSortedMap.empty().firstKey());
        assertThrows(UnsupportedOperationException.class, () -> map.put("c", 3));
    }
}
