package dev.natagent.agent.api;

/**
 * Decides a peer's {@link Role} from its SO_PEERCRED identity: uid 0 and the agent's own uid are
 * admins; so is a member (primary gid at connect time, or listed in the group database) of the
 * admin group; members of the read group may read; everyone else gets nothing.
 */
public final class AccessPolicy {
    private final int agentUid;
    private final String adminGroup;
    private final String readGroup;
    private final GroupDatabase groups;

    /**
     * @param readGroup group whose members may use read-only ops; the admin group's members always
     *     may, so pass the admin group again when there is no separate read group
     */
    public AccessPolicy(int agentUid, String adminGroup, String readGroup, GroupDatabase groups) {
        this.agentUid = agentUid;
        this.adminGroup = adminGroup;
        this.readGroup = readGroup;
        this.groups = groups;
    }

    public Role roleOf(Peer peer) {
        if (peer.uid() < 0) {
            return Role.NONE;
        }
        if (peer.uid() == 0 || peer.uid() == agentUid || inGroup(peer, adminGroup)) {
            return Role.ADMIN;
        }
        return inGroup(peer, readGroup) ? Role.READER : Role.NONE;
    }

    public String adminGroup() {
        return adminGroup;
    }

    public String readGroup() {
        return readGroup;
    }

    private boolean inGroup(Peer peer, String group) {
        boolean primary = groups.gidOf(group).map(gid -> gid == peer.gid()).orElse(false);
        return primary || groups.isMember(peer.uid(), group);
    }
}
