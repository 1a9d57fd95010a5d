package dev.natagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.natagent.agent.testing.ProjectTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering inside the daemon that the module boundaries cannot see, read from the import lines
 * of its main sources: validation is policy and does not reach into the kernel layout, the admin
 * server and the metrics do not know each other (metric names are fixed strings), and one logging
 * API (java.util.logging) is used throughout.
 */
class PackageImportsTest {
    private static final Pattern PACKAGE =
            Pattern.compile("^package dev\\.natagent\\.agent\\.([a-z.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?dev\\.natagent\\.agent\\.([a-z]+)\\.", Pattern.MULTILINE);

    /** Package -> the daemon packages it imports from, for every main source file of the daemon. */
    private static Map<String, TreeSet<String>> imports() throws IOException {
        Map<String, TreeSet<String>> imports = new TreeMap<>();
        for (Path file : sources()) {
            String text = Files.readString(file);
            Matcher pkg = PACKAGE.matcher(text);
            if (!pkg.find()) {
                continue;
            }
            String from = pkg.group(1).split("\\.")[0];
            Matcher imported = IMPORT.matcher(text);
            while (imported.find()) {
                if (!imported.group(1).equals(from)) {
                    imports.computeIfAbsent(from, k -> new TreeSet<>()).add(imported.group(1));
                }
            }
        }
        return imports;
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(ProjectTree.path("agent/daemon/src/main/java"))) {
            return files.filter(file -> file.toString().endsWith(".java")).toList();
        }
    }

    @Test
    void forbiddenPackageDependenciesAreAbsent() throws IOException {
        Map<String, TreeSet<String>> imports = imports();
        List<String> found = new ArrayList<>();
        for (String[] edge : List.of(
                new String[] {"validation", "reconcile"},
                new String[] {"api", "metrics"},
                new String[] {"metrics", "api"},
                new String[] {"model", "protocol"})) {
            if (imports.getOrDefault(edge[0], new TreeSet<>()).contains(edge[1])) {
                found.add(edge[0] + " -> " + edge[1]);
            }
        }
        assertEquals(List.of(), found, "package imports: " + imports);
    }

    @Test
    void oneLoggingApi() throws IOException {
        List<String> others = new ArrayList<>();
        for (Path file : sources()) {
            if (Files.readString(file).contains("System.Logger")
                    || Files.readString(file).contains("System.getLogger")) {
                others.add(file.getFileName().toString());
            }
        }
        assertEquals(List.of(), others, "System.Logger instead of java.util.logging");
    }
}
