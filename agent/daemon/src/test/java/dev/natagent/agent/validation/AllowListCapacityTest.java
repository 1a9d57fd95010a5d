package dev.natagent.agent.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Distinct allow-lists and their ranges are bounded (each list is a set and a chain in the
 * kernel, whose batch cost grows with the square of their number): a state at the bounds is
 * valid, one beyond is refused with CAPACITY_EXCEEDED and the count, on apply and on a single
 * forward that brings a new list; a list another forward already uses always fits.
 */
class AllowListCapacityTest {
    private final Validator validator = new Validator(() -> Set.of(22));

    @Test
    void distinctListsUpToTheBoundAreValidOneMoreIsRefused() {
        NatState atBound = state(AllowListCapacity.MAX_ALLOW_LISTS, 1);
        assertDoesNotThrow(() -> validator.check(NatState.empty(), atBound, false));

        NatState beyond = atBound.withForward(withAllow("new", 60_000, List.of(Cidr.parse("203.0.113.0/24"))));
        ValidationException e =
                assertThrows(ValidationException.class, () -> validator.check(NatState.empty(), beyond, false));
        assertEquals("forwards", e.first().field());
        assertEquals(ErrorCode.CAPACITY_EXCEEDED, e.first().code());
        assertTrue(
                e.first().message().contains((AllowListCapacity.MAX_ALLOW_LISTS + 1) + " distinct allow-lists"),
                e.first().message());
    }

    @Test
    void oneSharedListIsOneListWhateverTheNumberOfForwards() {
        List<Forward> forwards = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            forwards.add(withAllow("f" + i, 10_000 + i, List.of(Cidr.parse("198.51.100.0/24"))));
        }
        assertDoesNotThrow(
                () -> validator.check(NatState.empty(), NatState.of(Settings.DEFAULTS, forwards, List.of()), false));
    }

    @Test
    void aSingleForwardWithANewListIsRefusedAtTheBoundOneWithAUsedListIsNot() {
        NatState atBound = state(AllowListCapacity.MAX_ALLOW_LISTS, 1);
        Forward newList = withAllow("new", 60_000, List.of(Cidr.parse("203.0.113.0/24")));
        ValidationException e =
                assertThrows(ValidationException.class, () -> validator.checkAddForward(atBound, newList, false));
        assertEquals("allow", e.first().field());
        assertEquals(ErrorCode.CAPACITY_EXCEEDED, e.first().code());

        Forward usedList =
                withAllow("used", 60_000, atBound.forward("f0").orElseThrow().allow());
        assertDoesNotThrow(() -> validator.checkAddForward(atBound, usedList, false));
    }

    @Test
    void rangesInAllListsAreBounded() {
        int perList = 64;
        int lists = AllowListCapacity.MAX_ALLOW_RANGES / perList;
        NatState atBound = state(lists, perList);
        assertDoesNotThrow(() -> validator.check(NatState.empty(), atBound, false));

        NatState beyond = state(lists + 1, perList);
        ValidationException e =
                assertThrows(ValidationException.class, () -> validator.check(NatState.empty(), beyond, false));
        assertEquals(ErrorCode.CAPACITY_EXCEEDED, e.first().code());
        assertTrue(
                e.first().message().contains((lists + 1) * perList + " address ranges"),
                e.first().message());
    }

    /** {@code lists} forwards, each with a list of its own of {@code perList} disjoint /32s. */
    private static NatState state(int lists, int perList) {
        List<Forward> forwards = new ArrayList<>();
        for (int i = 0; i < lists; i++) {
            List<Cidr> allow = new ArrayList<>();
            for (int j = 0; j < perList; j++) {
                int n = i * perList + j;
                // Every other address, so that no two ranges merge.
                allow.add(Cidr.parse("10." + (n >> 15) + "." + ((n >> 7) & 0xff) + "." + ((n & 0x7f) * 2) + "/32"));
            }
            forwards.add(withAllow("f" + i, 10_000 + i, allow));
        }
        return NatState.of(Settings.DEFAULTS, forwards, List.of());
    }

    private static Forward withAllow(String name, int port, List<Cidr> allow) {
        return new Forward(
                name,
                Protocol.TCP,
                PortRange.single(port),
                List.of(Target.parse("10.0.1.10:6379")),
                allow,
                ReturnPath.MASQUERADE);
    }
}
