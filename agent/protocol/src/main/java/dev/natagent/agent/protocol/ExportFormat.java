package dev.natagent.agent.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Formats of the export op. */
public enum ExportFormat {
    /** The desired state document (what apply takes). */
    JSON,
    /** The nft ruleset of table ip nat_agent, as {@code nft -f} reads it. */
    NFT,
    /** Equivalent iptables-restore input (nat table), for hosts without nftables tooling. */
    IPTABLES;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ExportFormat> fromWireName(String name) {
        return Arrays.stream(values()).filter(f -> f.wireName().equals(name)).findFirst();
    }
}
