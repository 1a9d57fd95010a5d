package dev.natagent.nl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Failing libc calls become typed exceptions with the call and errno; no privileges needed. */
class SyscallsTest {
    @Test
    void aFailingCallCarriesItsNameAndErrno() {
        SyscallException e = assertThrows(
                SyscallException.class, () -> NetNamespace.enterCurrentThread(Path.of("/nonexistent/netns")));

        assertEquals("open(/nonexistent/netns)", e.call());
        assertEquals(2, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("open(/nonexistent/netns): ENOENT (2, No such file or directory)", e.getMessage());
    }

    @Test
    void anUnknownProtocolIsRefusedBySocket() {
        SyscallException e = assertThrows(SyscallException.class, () -> Syscalls.socket(16, 3, 4242));

        assertEquals("socket", e.call());
        assertEquals("EPROTONOSUPPORT", e.errnoName());
    }

    @Test
    void closingABadDescriptorIsEbadf() {
        SyscallException e = assertThrows(SyscallException.class, () -> Syscalls.close(-5));

        assertEquals("EBADF", e.errnoName());
    }

    @Test
    void unknownErrnoNumbersStillFormat() {
        assertEquals("errno 4242", Errnos.name(4242));
        assertEquals("unknown error", Errnos.description(4242));
    }
}
