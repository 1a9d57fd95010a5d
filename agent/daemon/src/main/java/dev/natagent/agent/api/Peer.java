package dev.natagent.agent.api;

/** The process at the other end of an admin connection, as the kernel reported it (SO_PEERCRED). */
public record Peer(int uid, int gid, int pid) {
    /** Used when the kernel could not tell us who connected: such a peer is never authorised. */
    public static final Peer UNKNOWN = new Peer(-1, -1, -1);

    @Override
    public String toString() {
        return "uid=" + uid + " gid=" + gid + " pid=" + pid;
    }
}
