package dev.natagent.agent.api;

/**
 * Decides from a peer's SO_PEERCRED identity whether it may use the admin socket: uid 0, the
 * agent's own uid, and members of the admin group (primary gid at connect time, or listed in the
 * group database) may run every op; everyone else is refused. This backs up the socket's file mode
 * (0660, admin group), which already keeps others from connecting at all.
 */
public final class AccessPolicy {
    private final int agentUid;
    private final String adminGroup;
    private final GroupDatabase groups;

    public AccessPolicy(int agentUid, String adminGroup, GroupDatabase groups) {
        this.agentUid = agentUid;
        this.adminGroup = adminGroup;
        this.groups = groups;
    }

    public boolean permits(Peer peer) {
        if (peer.uid() < 0) {
            return false;
        }
        if (peer.uid() == 0 || peer.uid() == agentUid) {
            return true;
        }
        boolean primary = groups.gidOf(adminGroup).map(gid -> gid == peer.gid()).orElse(false);
        return primary || groups.isMember(peer.uid(), adminGroup);
    }

    public String adminGroup() {
        return adminGroup;
    }
}
