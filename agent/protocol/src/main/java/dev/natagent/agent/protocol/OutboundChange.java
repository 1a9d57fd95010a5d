package dev.natagent.agent.protocol;

/** Acknowledgement of outbound.add / outbound.remove, with the state revision after it. */
public record OutboundChange(long revision, OutboundView outbound) {}
