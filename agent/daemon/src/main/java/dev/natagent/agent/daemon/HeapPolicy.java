package dev.natagent.agent.daemon;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.natagent.agent.service.BulkChange;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's heap is kept tight (Min/MaxHeapFreeRatio, see nat-agent-env.sh): each full
 * collection leaves a small share of the heap free and gives the rest back. A bulk apply about doubles what
 * is live (the old and the new state side by side), and growing by that share per full collection would take
 * several full collections per large apply (bench/agent-bench.sh --cold times the apply; -Xlog:gc
 * counts the collections). For the duration of a bulk
 * change both ratios go to {@value #BULK_FREE_RATIO}%, and from the kernel change on one full
 * collection is left (those before are the parse of the document, which comes first); then they
 * go back, and one full collection off the request path returns the peak. That collection
 * stops every thread, the one still encoding and writing the change's answer included, so the
 * daemon runs it {@link #AFTER_ANSWER} later, when the answer has gone out; and only if no bulk
 * change started or finished since: bulk changes back to back (a script emptying and refilling
 * the state) would otherwise meet the previous one's collection, which then stops the next
 * change while it holds both states, and the last one's collection returns the peak of all of
 * them. Both flags are "manageable": the JVM takes them at run time, so nothing in the launcher
 * changes.
 */
final class HeapPolicy implements BulkChange {
    private static final Logger LOG = Logger.getLogger(HeapPolicy.class.getName());
    private static final String MIN = "MinHeapFreeRatio";
    private static final String MAX = "MaxHeapFreeRatio";
    static final int BULK_FREE_RATIO = 70;
    /** How long after a bulk change the collection that returns its peak waits for the answer to be written. */
    static final Duration AFTER_ANSWER = Duration.ofSeconds(1);

    private final Executor background;
    private final Runnable collect;
    /** Bulk changes under way: two clients' uploads may overlap; the last one out restores. */
    private int active;
    /** Bumped as bulk changes start and end: a collection handed off runs only if it did not move since. */
    private long changes;

    private HotSpotDiagnosticMXBean vm;
    /** The ratios the JVM was started with, read at the first bulk change. */
    private int steadyMin = -1;

    private int steadyMax = -1;

    HeapPolicy(Executor background) {
        this(background, Daemon::returnHeapPeak);
    }

    /** @param collect the full collection that returns a bulk change's peak */
    HeapPolicy(Executor background, Runnable collect) {
        this.background = background;
        this.collect = collect;
    }

    @Override
    public synchronized void starting() {
        changes++;
        if (active++ > 0) {
            return;
        }
        try {
            if (vm == null) {
                // Loaded at the first bulk change only: the management classes cost memory too.
                vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
                steadyMin = ratio(MIN);
                steadyMax = ratio(MAX);
            }
            // Maximum first: the JVM refuses a minimum above the maximum.
            set(MAX, Math.max(steadyMax, BULK_FREE_RATIO));
            set(MIN, Math.max(steadyMin, BULK_FREE_RATIO));
        } catch (RuntimeException | LinkageError e) {
            // A runtime without jdk.management, or a JVM that does not take the flags: the change
            // still goes through, with the steady heap policy.
            LOG.log(Level.FINE, "heap policy left as it is for a bulk change", e);
        }
    }

    @Override
    public synchronized void finished() {
        if (active == 0 || --active > 0) {
            return;
        }
        try {
            if (vm != null) {
                set(MIN, steadyMin);
                set(MAX, steadyMax);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not restore the heap policy after a bulk change", e);
        }
        long handedOff = ++changes;
        background.execute(() -> collectIfQuiet(handedOff));
    }

    /** Runs the collection unless a bulk change is under way or began since it was handed off (one that will hand off its own). */
    private void collectIfQuiet(long handedOff) {
        synchronized (this) {
            if (changes != handedOff) {
                return;
            }
        }
        collect.run();
    }

    private int ratio(String flag) {
        return Integer.parseInt(vm.getVMOption(flag).getValue());
    }

    private void set(String flag, int percent) {
        vm.setVMOption(flag, Integer.toString(percent));
    }
}
