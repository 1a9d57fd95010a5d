package dev.natagent.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class KernelTestsTest {
    @Test
    void aUsableKernelPassesEverywhere() {
        assertDoesNotThrow(() -> KernelTests.gate(null, "true"));
        assertDoesNotThrow(() -> KernelTests.gate(null, null));
    }

    @Test
    void withoutTheKernelAWorkstationSkips() {
        assertThrows(TestAbortedException.class, () -> KernelTests.gate("not running as root", null));
        assertThrows(TestAbortedException.class, () -> KernelTests.gate("not running as root", "false"));
    }

    @Test
    void withoutTheKernelCiFails() {
        assertThrows(AssertionFailedError.class, () -> KernelTests.gate("not running as root", "true"));
    }
}
