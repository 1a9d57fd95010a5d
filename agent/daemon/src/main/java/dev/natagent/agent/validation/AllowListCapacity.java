package dev.natagent.agent.validation;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.FieldError;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4Range;
import dev.natagent.agent.model.NatState;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The distinct allow-lists of a set of forwards, as the kernel holds them (one set and chain per
 * distinct list of admitted ranges), and whether they stay within {@link
 * #MAX_ALLOW_LISTS} lists and {@link #MAX_ALLOW_RANGES} ranges in all.
 *
 * @param lists the distinct lists, as their ranges
 * @param ranges the ranges of all of them together
 */
record AllowListCapacity(Set<List<Ipv4Range>> lists, long ranges) {
    /**
     * Distinct allow-lists a state may use. Each is a set and a chain, and the kernel finds a set
     * by name by walking the table's list of sets (for each new set, each element message and each
     * rule that looks one up), so a batch that creates n lists costs time in the square of n: at
     * this bound a cold apply or a whole-table repair stays within the time of the rest of it;
     * tens of thousands of lists would take the kernel minutes.
     */
    public static final int MAX_ALLOW_LISTS = 2_048;

    /**
     * Address ranges in all distinct allow-lists together: each is an interval (two elements) that
     * the daemon holds, renders and encodes while it programs the table, so this bounds its heap
     * whatever the document holds.
     */
    public static final int MAX_ALLOW_RANGES = 65_536;

    static AllowListCapacity of(Collection<Forward> forwards) {
        // Equal lists as written are one list: each distinct one is normalised once.
        Set<List<Cidr>> written = new HashSet<>();
        for (Forward forward : forwards) {
            if (!forward.allow().isEmpty()) {
                written.add(forward.allow());
            }
        }
        Set<List<Ipv4Range>> lists = new HashSet<>();
        long ranges = 0;
        for (List<Cidr> allow : written) {
            List<Ipv4Range> normalised = Cidr.toRanges(allow);
            if (lists.add(normalised)) {
                ranges += normalised.size();
            }
        }
        return new AllowListCapacity(lists, ranges);
    }

    /**
     * For putting {@code forward} into {@code current}: a list some other forward already uses
     * changes nothing and costs no count; a new one is counted with the state's.
     */
    static Optional<FieldError> afterPut(NatState current, Forward forward) {
        if (forward.allow().isEmpty()) {
            return Optional.empty();
        }
        for (Forward other : current.forwards().values()) {
            if (other.allow().equals(forward.allow()) && !other.name().equals(forward.name())) {
                return Optional.empty();
            }
        }
        return of(current.withForward(forward).forwards().values()).problem("allow");
    }

    /** The error for a state beyond either bound, naming {@code field}; empty within them. */
    Optional<FieldError> problem(String field) {
        if (lists.size() > MAX_ALLOW_LISTS) {
            return Optional.of(new FieldError(
                    field,
                    ErrorCode.CAPACITY_EXCEEDED,
                    "the forwards would use " + lists.size() + " distinct allow-lists; the agent keeps at most "
                            + MAX_ALLOW_LISTS + " (each is a set and a chain in the kernel); give"
                            + " forwards that admit the same sources the same list"));
        }
        if (ranges > MAX_ALLOW_RANGES) {
            return Optional.of(new FieldError(
                    field,
                    ErrorCode.CAPACITY_EXCEEDED,
                    "the distinct allow-lists would admit " + ranges + " address ranges in all; the agent keeps at"
                            + " most " + MAX_ALLOW_RANGES + "; merge them into fewer, wider CIDRs"));
        }
        return Optional.empty();
    }
}
