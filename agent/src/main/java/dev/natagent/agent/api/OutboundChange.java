package dev.natagent.agent.api;

/** Acknowledgement of outbound.add / outbound.remove, with the state generation after it. */
public record OutboundChange(long generation, OutboundView outbound) {}
