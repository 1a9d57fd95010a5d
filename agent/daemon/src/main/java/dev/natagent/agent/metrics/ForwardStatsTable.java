package dev.natagent.agent.metrics;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The per-forward figures of one metrics render, by forward name in the order added, in flat
 * arrays: at 50,000 forwards a map of {@link ForwardStats} records would hold about three times
 * as much for every scrape (an entry and a record per forward). Each entry read is made on the
 * spot. Filled once, then read-only; not thread-safe.
 */
public final class ForwardStatsTable extends AbstractMap<String, ForwardStats> {
    private String[] names;
    private long[] packets;
    private long[] bytes;
    private double[] healthyRatios;
    private double[] staleSeconds;
    private int size;
    /** Row by name, made when a caller first looks one up by name. */
    private Map<String, Integer> rowByName;

    public ForwardStatsTable(int expected) {
        int capacity = Math.max(1, expected);
        names = new String[capacity];
        packets = new long[capacity];
        bytes = new long[capacity];
        healthyRatios = new double[capacity];
        staleSeconds = new double[capacity];
    }

    /** Adds the row of forward {@code name}, which must not be in the table yet. */
    public void add(String name, ForwardStats stats) {
        if (size == names.length) {
            int capacity = size * 2;
            names = Arrays.copyOf(names, capacity);
            packets = Arrays.copyOf(packets, capacity);
            bytes = Arrays.copyOf(bytes, capacity);
            healthyRatios = Arrays.copyOf(healthyRatios, capacity);
            staleSeconds = Arrays.copyOf(staleSeconds, capacity);
        }
        names[size] = name;
        packets[size] = stats.packets();
        bytes[size] = stats.bytes();
        healthyRatios[size] = stats.healthyRatio();
        staleSeconds[size] = stats.staleSeconds();
        size++;
        rowByName = null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return rows().containsKey(key);
    }

    @Override
    public ForwardStats get(Object key) {
        Integer row = rows().get(key);
        return row == null ? null : row(row);
    }

    private Map<String, Integer> rows() {
        if (rowByName == null) {
            Map<String, Integer> rows = new HashMap<>(size * 4 / 3 + 1);
            for (int i = 0; i < size; i++) {
                rows.put(names[i], i);
            }
            rowByName = rows;
        }
        return rowByName;
    }

    @Override
    public Set<Entry<String, ForwardStats>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, ForwardStats>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, ForwardStats> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], row(i));
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private ForwardStats row(int i) {
        return new ForwardStats(packets[i], bytes[i], healthyRatios[i], staleSeconds[i]);
    }
}
