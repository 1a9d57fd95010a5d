package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** I/O failures read as the C library words them, never as a Java class name or a bare path. */
class IoErrorsTest {
    @Test
    void reasonsInWordsNotClassNames() {
        assertEquals("No such file or directory", IoErrors.reason(new NoSuchFileException("/etc/x.json")));
        assertEquals("Permission denied", IoErrors.reason(new AccessDeniedException("/etc/x.json")));
        assertEquals("Is a directory", IoErrors.reason(new FileSystemException("/etc", null, "Is a directory")));
        assertEquals("Is a directory", IoErrors.reason(new IOException("Is a directory")));
        assertEquals(
                "Is a directory",
                IoErrors.reason(new UncheckedIOException(new IOException("Is a directory"))),
                "a wrapper's message starts with the wrapped class");
        assertEquals(
                "Name or service not known",
                IoErrors.reason(new UnknownHostException("redis.example: Name or service not known")));
        assertEquals("Name or service not known", IoErrors.reason(new UnknownHostException("redis.example")));
        assertEquals("unexpected error", IoErrors.reason(new IllegalStateException()));
        assertEquals("Input/output error", IoErrors.reason(new IOException()));
    }
}
