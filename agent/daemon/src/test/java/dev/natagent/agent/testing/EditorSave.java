package dev.natagent.agent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** How editors save a file: write a copy next to it, then rename the copy over the original. */
public final class EditorSave {
    private EditorSave() {}

    public static void replace(Path file, byte[] content) throws IOException {
        Path copy = file.resolveSibling(file.getFileName() + ".swp");
        Files.write(copy, content);
        Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
