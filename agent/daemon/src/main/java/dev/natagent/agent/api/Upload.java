package dev.natagent.agent.api;

import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One chunked-apply document being received: its pieces in order, nothing parsed or applied until
 * {@link #state()}. Counts its heap bytes against the agent-wide budget {@code held} and gives
 * them back when discarded. Callers serialise access (the owning {@link ClientSession}'s lock).
 */
final class Upload {
    private final String id;
    private final boolean dryRun;
    private final AtomicLong held;
    private List<String> chunks = new ArrayList<>();
    private long chars;
    private long cost;

    Upload(String id, boolean dryRun, AtomicLong held) {
        this.id = id;
        this.dryRun = dryRun;
        this.held = held;
    }

    String id() {
        return id;
    }

    boolean dryRun() {
        return dryRun;
    }

    /** The seq the next chunk must carry: chunks are numbered from 0 without gaps. */
    int nextSeq() {
        return chunks.size();
    }

    long chars() {
        return chars;
    }

    /** Appends a piece whose heap bytes ({@code cost}) the caller has already reserved in {@code held}. */
    void add(String data, long cost) {
        chunks.add(data);
        chars += data.length();
        this.cost += cost;
    }

    /** The whole document as a state (field errors as for {@code apply}); the data is released first. */
    NatState state() {
        List<String> document = chunks;
        discard();
        return ModelJson.read(new ChunksReader(document), NatState.class);
    }

    /** Drops the data and returns its bytes to the budget; idempotent. */
    void discard() {
        if (chunks != null) {
            chunks = null;
            held.addAndGet(-cost);
        }
    }
}
