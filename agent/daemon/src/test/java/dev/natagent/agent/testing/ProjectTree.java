package dev.natagent.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checked-out tree the tests run in (docs, launchers), whichever module's directory they run from. */
public final class ProjectTree {
    private ProjectTree() {}

    /** The directory that holds pom.xml, agent/, packaging/ and docs/. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("packaging/bin/nat-agent-env.sh"))
                    && Files.isDirectory(dir.resolve("docs"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no project tree above " + Path.of("").toAbsolutePath());
    }

    /** {@code relative} in the project tree, e.g. {@code docs/admin-api.md}. */
    public static Path path(String relative) {
        return root().resolve(relative);
    }
}
