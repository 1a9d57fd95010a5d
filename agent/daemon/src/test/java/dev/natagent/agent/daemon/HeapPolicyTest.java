package dev.natagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On this very JVM: the flags move for a bulk change and come back to what they were. */
class HeapPolicyTest {
    private static final HotSpotDiagnosticMXBean VM =
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    private static int flag(String name) {
        return Integer.parseInt(VM.getVMOption(name).getValue());
    }

    @Test
    void aBulkChangeLoosensTheHeapPolicyAndRestoresItAfter() {
        int min = flag("MinHeapFreeRatio");
        int max = flag("MaxHeapFreeRatio");
        List<Runnable> background = new ArrayList<>();
        HeapPolicy policy = new HeapPolicy(background::add);

        for (int round = 0; round < 2; round++) {
            policy.starting();
            assertEquals(Math.max(min, HeapPolicy.BULK_FREE_RATIO), flag("MinHeapFreeRatio"));
            assertEquals(Math.max(max, HeapPolicy.BULK_FREE_RATIO), flag("MaxHeapFreeRatio"));
            assertEquals(round, background.size(), "nothing handed off before the change is over");

            policy.finished();
            assertEquals(min, flag("MinHeapFreeRatio"));
            assertEquals(max, flag("MaxHeapFreeRatio"));
            assertEquals(round + 1, background.size(), "one full collection per change, off the caller's thread");
        }
    }

    /** Two clients' bulk changes may overlap: the policy stays loose until the last one is over. */
    @Test
    void overlappingBulkChangesRestoreOnceTheLastIsOver() {
        int min = flag("MinHeapFreeRatio");
        List<Runnable> background = new ArrayList<>();
        HeapPolicy policy = new HeapPolicy(background::add);

        policy.starting();
        policy.starting();
        policy.finished();
        assertEquals(Math.max(min, HeapPolicy.BULK_FREE_RATIO), flag("MinHeapFreeRatio"), "one still under way");
        assertEquals(0, background.size());
        policy.finished();
        assertEquals(min, flag("MinHeapFreeRatio"));
        assertEquals(1, background.size());
        policy.finished();
        assertEquals(1, background.size(), "an unmatched end changes nothing");
    }
}
