package dev.natagent.agent.sysctl;

import java.util.Map;
import java.util.Optional;

/**
 * What {@link Sysctls} saw: each managed key's value as read (empty if unreadable), whether
 * the agent manages them at all, how many writes it made, and the read and write errors of the last
 * check (every one of them, joined by "; ").
 */
public record SysctlStatus(
        boolean managed, Map<String, Optional<String>> values, long writes, Optional<String> lastError) {
    public SysctlStatus {
        values = Map.copyOf(values);
    }

    /** net.ipv4.ip_forward as read: on, off, or empty when unreadable. */
    public Optional<Boolean> ipForward() {
        return values.getOrDefault(Sysctls.IP_FORWARD, Optional.empty())
                .map(v -> v.trim().equals("1"));
    }

    /** True when every managed key holds its wanted value. */
    public boolean ok(Map<String, String> wanted) {
        return wanted.entrySet().stream()
                .allMatch(e -> values.getOrDefault(e.getKey(), Optional.empty()).equals(Optional.of(e.getValue())));
    }
}
