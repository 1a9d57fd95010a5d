package dev.natagent.agent.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.bench.Printed;
import org.junit.jupiter.api.Test;

/** AckBench runs on the in-memory kernel and prints its one line. Asserts no timing. */
class AckBenchSmokeTest {
    @Test
    void printsTheMedianAddAndRemove() throws Exception {
        String printed = Printed.by(() -> AckBench.main(new String[] {"20", "3"}));

        assertTrue(printed.matches("N=20 add \\d+\\.\\d{3} ms remove \\d+\\.\\d{3} ms\\R"), printed);
    }
}
