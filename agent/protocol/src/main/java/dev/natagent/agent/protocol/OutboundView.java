package dev.natagent.agent.protocol;

import java.util.List;

/** An outbound PAT rule: traffic from {@code source} leaving through {@code out} is masqueraded. */
public record OutboundView(String name, List<String> source, String out) {
    public OutboundView {
        source = List.copyOf(source);
    }
}
