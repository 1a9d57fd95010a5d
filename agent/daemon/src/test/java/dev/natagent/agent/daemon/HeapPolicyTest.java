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

    /**
     * Bulk changes back to back (a script emptying and refilling the state): a change's collection
     * never stops the next one, and of those handed off before a quiet moment only the last runs.
     */
    @Test
    void onlyTheLastBulkChangesCollectionRunsAndNeverDuringAnother() {
        List<Runnable> background = new ArrayList<>();
        int[] collections = {0};
        HeapPolicy policy = new HeapPolicy(background::add, () -> collections[0]++);

        policy.starting();
        policy.finished();
        policy.starting();
        background.get(0).run();
        assertEquals(0, collections[0], "not while another bulk change is under way");
        policy.finished();
        background.get(0).run();
        assertEquals(0, collections[0], "not once a later change has handed off its own");
        background.get(1).run();
        assertEquals(1, collections[0], "the last change's collection runs when nothing came after it");

        policy.starting();
        policy.finished();
        background.get(2).run();
        assertEquals(2, collections[0], "a lone bulk change's collection runs");
    }
}
