package dev.natagent.agent.api;

import java.util.List;

/** What an apply changes (or would change, for a dry run), by name. */
public record StateChanges(
        List<String> forwardsAdded,
        List<String> forwardsRemoved,
        List<String> forwardsChanged,
        List<String> outboundsAdded,
        List<String> outboundsRemoved,
        List<String> outboundsChanged,
        boolean settingsChanged) {

    public StateChanges {
        forwardsAdded = List.copyOf(forwardsAdded);
        forwardsRemoved = List.copyOf(forwardsRemoved);
        forwardsChanged = List.copyOf(forwardsChanged);
        outboundsAdded = List.copyOf(outboundsAdded);
        outboundsRemoved = List.copyOf(outboundsRemoved);
        outboundsChanged = List.copyOf(outboundsChanged);
    }

    public boolean isEmpty() {
        return forwardsAdded.isEmpty()
                && forwardsRemoved.isEmpty()
                && forwardsChanged.isEmpty()
                && outboundsAdded.isEmpty()
                && outboundsRemoved.isEmpty()
                && outboundsChanged.isEmpty()
                && !settingsChanged;
    }
}
