package dev.natagent.agent.api;

/**
 * The heap the admin socket may hold for its clients' requests: partial request lines (at the
 * capacity of their buffers) and request lines being decoded or executed (weighted by what their
 * parsed form costs). Every byte is reserved here before it is allocated, so no number or mix of
 * clients can make the daemon run out of memory; a connection that finds no room is not read
 * until some is given back.
 *
 * <p>Fairness: the last {@code reserve} bytes serve only connections that hold little (under
 * {@code smallHolding}), so clients flooding large lines cannot keep a {@code status} out. Used
 * only on the selector thread; {@link #held()} may be read from any thread.
 */
final class ClientMemory {
    private final long limit;
    private final long reserve;
    private final long smallHolding;
    private volatile long held;

    ClientMemory(long limit, long reserve, long smallHolding) {
        if (reserve <= 0 || reserve >= limit || smallHolding <= 0 || smallHolding > reserve) {
            throw new IllegalArgumentException(
                    "need 0 < smallHolding <= reserve < limit: " + smallHolding + ", " + reserve + ", " + limit);
        }
        this.limit = limit;
        this.reserve = reserve;
        this.smallHolding = smallHolding;
    }

    long limit() {
        return limit;
    }

    /** Bytes reserved by all connections now. */
    long held() {
        return held;
    }

    /** How many more bytes {@code connection} may reserve now (0: it must wait). */
    long room(Connection connection) {
        long shared = limit - reserve - held;
        long small = connection.charged < smallHolding ? Math.min(limit - held, smallHolding - connection.charged) : 0;
        return Math.max(0, Math.max(shared, small));
    }

    /** Reserves {@code bytes} for {@code connection} if there is room; nothing changes otherwise. */
    boolean tryCharge(Connection connection, long bytes) {
        if (bytes > room(connection)) {
            return false;
        }
        connection.charged += bytes;
        held += bytes;
        return true;
    }

    void release(Connection connection, long bytes) {
        if (bytes < 0 || bytes > connection.charged) {
            throw new IllegalArgumentException("releasing " + bytes + " of " + connection.charged + " bytes");
        }
        connection.charged -= bytes;
        held -= bytes;
    }

    /** Gives back all that {@code connection} holds (it closed). */
    void releaseAll(Connection connection) {
        release(connection, connection.charged);
    }
}
