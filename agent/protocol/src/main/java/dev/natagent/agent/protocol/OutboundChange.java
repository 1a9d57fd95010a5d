package dev.natagent.agent.protocol;

/** Acknowledgement of outbound.add / outbound.remove, with the state generation after it. */
public record OutboundChange(long generation, OutboundView outbound) {}
