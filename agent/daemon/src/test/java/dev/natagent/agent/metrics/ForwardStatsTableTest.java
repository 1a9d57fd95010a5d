package dev.natagent.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwardStatsTableTest {
    @Test
    void readsAsTheMapOfItsRowsInTheOrderAdded() {
        Map<String, ForwardStats> expected = new LinkedHashMap<>();
        ForwardStatsTable table = new ForwardStatsTable(2);
        for (int i = 0; i < 1_000; i++) {
            ForwardStats stats = new ForwardStats(i, 10L * i, i % 3 == 0 ? Double.NaN : 0.5, i % 7);
            String name = "f" + (999 - i);
            expected.put(name, stats);
            table.add(name, stats);
        }

        assertEquals(expected, table);
        assertEquals(
                expected.keySet().stream().toList(), table.keySet().stream().toList());
        assertEquals(new ForwardStats(3, 30, Double.NaN, 3), table.get("f996"));
        assertNull(table.get("nope"));
        assertTrue(table.containsKey("f0"));
        assertFalse(table.containsKey("f1000"));
        Map<String, Long> changes = new LinkedHashMap<>(Map.of("f5", 1L, "gone", 2L));
        changes.keySet().retainAll(table.keySet());
        assertEquals(Map.of("f5", 1L), changes);
    }
}
