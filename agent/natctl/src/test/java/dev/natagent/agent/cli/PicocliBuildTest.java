package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * natctl's start-up depends on picocli being Java 17 class files (built from its sources by the
 * natctl module): the class-data-sharing archive refuses the Java 5 classes of picocli's own jar.
 */
class PicocliBuildTest {
    private static final int JAVA_17 = 61;

    @Test
    void picocliIsCompiledForJava17() throws IOException {
        assertEquals(JAVA_17, majorVersion(CommandLine.class), "picocli.CommandLine class file version");
        assertEquals(JAVA_17, majorVersion(AutoComplete.class), "picocli.AutoComplete class file version");
    }

    private static int majorVersion(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            assertNotNull(in, type + " has no class file resource");
            DataInputStream data = new DataInputStream(in);
            assertEquals(0xCAFEBABE, data.readInt(), "class file magic");
            data.readUnsignedShort(); // minor version
            return data.readUnsignedShort();
        }
    }
}
