package dev.natagent.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NatStateTest {
    private static Forward forward(String name, int port) {
        return Forward.single(name, Protocol.TCP, port, Target.parse("10.0.1.2:" + port));
    }

    @Test
    void forwardsInAnyOrderGiveTheSameStateInNameOrder() {
        List<Forward> forwards = new ArrayList<>();
        NatState oneByOne = NatState.empty();
        for (int i = 0; i < 2_000; i++) {
            Forward forward = forward("f" + i, 10_000 + i);
            forwards.add(forward);
            oneByOne = oneByOne.withForward(forward);
        }
        Collections.shuffle(forwards, new Random(7));
        NatState whole = NatState.of(Settings.DEFAULTS, forwards, List.of());

        assertEquals(oneByOne, whole);
        List<String> names = new ArrayList<>(whole.forwards().keySet());
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        assertEquals(sorted, names);
        assertEquals(forward("f1234", 11_234), whole.forward("f1234").orElseThrow());
    }

    @Test
    void everyRepeatedNameAndNullIsReportedInDocumentOrder() {
        List<Forward> forwards = Arrays.asList(
                forward("b", 1), forward("a", 2), null, forward("b", 3), forward("a", 4), forward("a", 5));
        ValidationException e =
                assertThrows(ValidationException.class, () -> NatState.of(Settings.DEFAULTS, forwards, List.of()));

        assertEquals(
                List.of(
                        new FieldError("forwards[2]", ErrorCode.MISSING_FIELD, "null is not a valid entry"),
                        new FieldError("forwards[3].name", ErrorCode.NAME_TAKEN, "name 'b' is used twice"),
                        new FieldError("forwards[4].name", ErrorCode.NAME_TAKEN, "name 'a' is used twice"),
                        new FieldError("forwards[5].name", ErrorCode.NAME_TAKEN, "name 'a' is used twice")),
                e.errors());
    }
}
