package dev.natagent.agent.service;

/**
 * Told around an apply that changes at least {@value NatService#BULK_CHANGES} forwards: the
 * daemon's largest transient (the old and the new state live side by side with the rendered
 * elements), for which the daemon loosens its heap policy and afterwards gives the memory back.
 */
public interface BulkChange {
    /** For callers with nothing to do around a bulk change. */
    BulkChange NONE = new BulkChange() {
        @Override
        public void starting() {}

        @Override
        public void finished() {}
    };

    /** Before the change goes to the kernel and to disk, on the caller's thread. */
    void starting();

    /** After it, applied or refused, on the caller's thread (hand slow work off). */
    void finished();
}
