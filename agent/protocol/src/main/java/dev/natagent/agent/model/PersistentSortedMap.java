package dev.natagent.agent.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An immutable map from names to values, ordered by name, where {@link #plus} and {@link #minus}
 * return a new map in O(log N) by copying only one path of an AVL tree and sharing the rest. This
 * keeps a single forward added to a 50,000-forward state as cheap as it is in the kernel and on
 * disk. The views from subMap/headMap/tailMap are copies (O(N)); nothing on a hot path uses them.
 */
final class PersistentSortedMap<V> extends AbstractMap<String, V> implements SortedMap<String, V> {
    private static final PersistentSortedMap<Object> EMPTY = new PersistentSortedMap<>(null);

    private final Node<V> root;

    private record Node<V>(String key, V value, Node<V> left, Node<V> right, int height, int size) {}

    private PersistentSortedMap(Node<V> root) {
        this.root = root;
    }

    @SuppressWarnings("unchecked")
    static <V> PersistentSortedMap<V> empty() {
        return (PersistentSortedMap<V>) EMPTY;
    }

    /**
     * The entries of {@code sorted} as a balanced tree in one pass: N nodes, where N calls of
     * {@link #plus} copy a path each time (~17 nodes per entry at 50,000, all garbage but one).
     */
    static <V> PersistentSortedMap<V> of(SortedMap<String, ? extends V> sorted) {
        if (sorted.comparator() != null) {
            throw new IllegalArgumentException("keys must be in their natural order");
        }
        List<String> keys = new ArrayList<>(sorted.size());
        List<V> values = new ArrayList<>(sorted.size());
        sorted.forEach((key, value) -> {
            keys.add(key);
            values.add(value);
        });
        // A naturally ordered SortedMap is ascending already: no second check of every key.
        return balanced(keys, values);
    }

    /**
     * The same from keys already in strictly ascending order and their values, index by index, for
     * callers that sort a list once instead of filling a TreeMap (see NatState#of).
     */
    static <V> PersistentSortedMap<V> ofSorted(List<String> keys, List<? extends V> values) {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
        }
        for (int i = 1; i < keys.size(); i++) {
            if (keys.get(i - 1).compareTo(keys.get(i)) >= 0) {
                throw new IllegalArgumentException("keys not strictly ascending at " + i + ": " + keys.get(i));
            }
        }
        return balanced(keys, values);
    }

    private static <V> PersistentSortedMap<V> balanced(List<String> keys, List<? extends V> values) {
        return keys.isEmpty() ? empty() : new PersistentSortedMap<>(build(keys, values, 0, keys.size()));
    }

    /** The middle entry over the two halves: subtree heights differ by at most one. */
    private static <V> Node<V> build(List<String> keys, List<? extends V> values, int from, int to) {
        if (from == to) {
            return null;
        }
        int middle = (from + to) >>> 1;
        return node(
                keys.get(middle),
                values.get(middle),
                build(keys, values, from, middle),
                build(keys, values, middle + 1, to));
    }

    /** This map with {@code key} mapped to {@code value}. */
    PersistentSortedMap<V> plus(String key, V value) {
        Node<V> updated = put(root, key, value);
        return updated == root ? this : new PersistentSortedMap<>(updated);
    }

    /** This map without {@code key}; this very map when the key is absent. */
    PersistentSortedMap<V> minus(String key) {
        Node<V> updated = remove(root, key);
        return updated == root ? this : new PersistentSortedMap<>(updated);
    }

    /** Applies {@code action} to the values whose keys are in [from, to), in key order: O(log N + hits). */
    void forEachBetween(String from, String to, Consumer<? super V> action) {
        between(root, from, to, action);
    }

    private static <V> void between(Node<V> node, String from, String to, Consumer<? super V> action) {
        if (node == null) {
            return;
        }
        boolean atOrAboveFrom = node.key.compareTo(from) >= 0;
        boolean belowTo = node.key.compareTo(to) < 0;
        if (atOrAboveFrom) {
            between(node.left, from, to, action);
        }
        if (atOrAboveFrom && belowTo) {
            action.accept(node.value);
        }
        if (belowTo) {
            between(node.right, from, to, action);
        }
    }

    @Override
    public V get(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        Node<V> node = root;
        while (node != null) {
            int order = name.compareTo(node.key);
            if (order == 0) {
                return node.value;
            }
            node = order < 0 ? node.left : node.right;
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return size(root);
    }

    /** Depth of the tree (for tests of the balance). */
    int height() {
        return height(root);
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, V>> iterator() {
                return new InOrder<>(root);
            }

            @Override
            public int size() {
                return PersistentSortedMap.this.size();
            }
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PersistentSortedMap<?> that && that.root == root || super.equals(other);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }

    @Override
    public Comparator<? super String> comparator() {
        return null;
    }

    @Override
    public String firstKey() {
        Node<V> node = nonEmptyRoot();
        while (node.left != null) {
            node = node.left;
        }
        return node.key;
    }

    @Override
    public String lastKey() {
        Node<V> node = nonEmptyRoot();
        while (node.right != null) {
            node = node.right;
        }
        return node.key;
    }

    @Override
    public SortedMap<String, V> subMap(String fromKey, String toKey) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(this).subMap(fromKey, toKey));
    }

    @Override
    public SortedMap<String, V> headMap(String toKey) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(this).headMap(toKey));
    }

    @Override
    public SortedMap<String, V> tailMap(String fromKey) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(this).tailMap(fromKey));
    }

    private Node<V> nonEmptyRoot() {
        if (root == null) {
            throw new NoSuchElementException("the map is empty");
        }
        return root;
    }

    private static <V> Node<V> put(Node<V> node, String key, V value) {
        if (node == null) {
            return node(key, value, null, null);
        }
        int order = key.compareTo(node.key);
        if (order < 0) {
            return balance(node.key, node.value, put(node.left, key, value), node.right);
        }
        if (order > 0) {
            return balance(node.key, node.value, node.left, put(node.right, key, value));
        }
        return node.value == value ? node : node(key, value, node.left, node.right);
    }

    private static <V> Node<V> remove(Node<V> node, String key) {
        if (node == null) {
            return null;
        }
        int order = key.compareTo(node.key);
        if (order < 0) {
            Node<V> left = remove(node.left, key);
            return left == node.left ? node : balance(node.key, node.value, left, node.right);
        }
        if (order > 0) {
            Node<V> right = remove(node.right, key);
            return right == node.right ? node : balance(node.key, node.value, node.left, right);
        }
        if (node.left == null) {
            return node.right;
        }
        if (node.right == null) {
            return node.left;
        }
        Node<V> successor = node.right;
        while (successor.left != null) {
            successor = successor.left;
        }
        return balance(successor.key, successor.value, node.left, removeFirst(node.right));
    }

    private static <V> Node<V> removeFirst(Node<V> node) {
        if (node.left == null) {
            return node.right;
        }
        return balance(node.key, node.value, removeFirst(node.left), node.right);
    }

    /** Rebuilds a node whose subtrees differ in height by at most 2, restoring the AVL invariant. */
    private static <V> Node<V> balance(String key, V value, Node<V> left, Node<V> right) {
        int leftHeight = height(left);
        int rightHeight = height(right);
        if (leftHeight > rightHeight + 1) {
            if (height(left.left) >= height(left.right)) {
                return node(left.key, left.value, left.left, node(key, value, left.right, right));
            }
            Node<V> pivot = left.right;
            return node(
                    pivot.key,
                    pivot.value,
                    node(left.key, left.value, left.left, pivot.left),
                    node(key, value, pivot.right, right));
        }
        if (rightHeight > leftHeight + 1) {
            if (height(right.right) >= height(right.left)) {
                return node(right.key, right.value, node(key, value, left, right.left), right.right);
            }
            Node<V> pivot = right.left;
            return node(
                    pivot.key,
                    pivot.value,
                    node(key, value, left, pivot.left),
                    node(right.key, right.value, pivot.right, right.right));
        }
        return node(key, value, left, right);
    }

    private static <V> Node<V> node(String key, V value, Node<V> left, Node<V> right) {
        return new Node<>(
                key, value, left, right, Math.max(height(left), height(right)) + 1, size(left) + size(right) + 1);
    }

    private static int height(Node<?> node) {
        return node == null ? 0 : node.height;
    }

    private static int size(Node<?> node) {
        return node == null ? 0 : node.size;
    }

    /** In-order traversal with an explicit stack (depth is O(log N)). */
    private static final class InOrder<V> implements Iterator<Entry<String, V>> {
        private final Deque<Node<V>> stack = new ArrayDeque<>();

        InOrder(Node<V> root) {
            pushLeft(root);
        }

        @Override
        public boolean hasNext() {
            return !stack.isEmpty();
        }

        @Override
        public Entry<String, V> next() {
            if (stack.isEmpty()) {
                throw new NoSuchElementException();
            }
            Node<V> node = stack.pop();
            pushLeft(node.right);
            return new SimpleImmutableEntry<>(node.key, node.value);
        }

        private void pushLeft(Node<V> node) {
            for (Node<V> n = node; n != null; n = n.left) {
                stack.push(n);
            }
        }
    }
}
