package dev.natagent.agent.protocol;

/**
 * Where the daemon listens and keeps its state unless its config says otherwise, and who may use
 * its socket; natctl connects to the same socket by default.
 */
public final class Defaults {
    public static final String SOCKET = "/run/nat-agent/admin.sock";
    public static final String ADMIN_GROUP = "natadmin";
    public static final String STATE_DIR = "/var/lib/nat-agent";

    private Defaults() {}
}
