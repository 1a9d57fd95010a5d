package dev.natagent.agent.api;

/**
 * One target of a forward as the agent sees it now.
 *
 * @param target as configured, HOST:PORT
 * @param address the IPv4 address in use (the last good one for a DNS name), null if never resolved
 * @param health TCP connect probe result
 */
public record TargetView(String target, String address, Health health) {}
