package dev.natagent.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client snippets of docs/clusters.md against code that runs: each Java snippet is, line for
 * line, a marked region of the classes the cluster end-to-end tests run in the client namespace;
 * the redis-py map function answers from a map file as the map says.
 */
class ClusterClientDocsTest {
    private static final Path SOURCES = Path.of("src", "test", "java", "dev", "natagent", "agent", "e2e");

    @Test
    void theJavaSnippetsAreTheCodeTheEndToEndTestsRun() throws IOException {
        List<List<String>> documented = blocks("java");
        for (String[] region : new String[][] {
            {"NatMap.java", "natmap"},
            {"LettuceKeys.java", "lettuce"},
            {"JedisKeys.java", "jedis"},
            {"AdvertisedNames.java", "jedis-tls"}
        }) {
            List<String> code = region(SOURCES.resolve(region[0]), region[1]);
            assertTrue(documented.contains(code), "docs/clusters.md lacks the " + region[1] + " code:\n" + code);
        }
    }

    @Test
    void theRedisPyRemapAnswersFromTheMapFile(@TempDir Path dir) throws Exception {
        Path map = Files.writeString(
                dir.resolve("map.json"), "{\"10.0.1.11:6379\":{\"host\":\"203.0.113.73\",\"port\":7000}}");
        StringBuilder script = new StringBuilder();
        for (String line : blocks("python").get(0)) {
            if (!line.startsWith("from redis") && !line.startsWith("client = ")) {
                script.append(line.replace("/etc/orders-map.json", map.toString()))
                        .append('\n');
            }
        }
        script.append("print(remap(('10.0.1.11', 6379)), remap(('10.0.1.99', 6379)))\n");
        Process python = new ProcessBuilder("python3", "-c", script.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(30, TimeUnit.SECONDS), "python3 did not finish");
        assertEquals("('203.0.113.73', 7000) ('10.0.1.99', 6379)\n", out, script.toString());
    }

    /** The lines between "// map:NAME" and "// end" in a source file, without their common indent. */
    private static List<String> region(Path file, String name) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int start = lines.indexOf("    // map:" + name);
        int end = lines.subList(start, lines.size()).indexOf("    // end") + start;
        assertTrue(start >= 0 && end > start, "no region " + name + " in " + file);
        return dedent(lines.subList(start + 1, end));
    }

    /** The fenced code blocks of docs/clusters.md in {@code language}, each without its common indent. */
    private static List<List<String>> blocks(String language) throws IOException {
        List<String> lines = Files.readAllLines(clustersPage());
        List<List<String>> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("```" + language)) {
                int close = i + 1;
                while (!lines.get(close).trim().equals("```")) {
                    close++;
                }
                blocks.add(dedent(lines.subList(i + 1, close)));
                i = close;
            }
        }
        return blocks;
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }

    /** docs/clusters.md of the checkout the tests run in (they run in a module's directory). */
    private static Path clustersPage() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path page = dir.resolve("docs").resolve("clusters.md");
            if (Files.exists(page)) {
                return page;
            }
        }
        throw new AssertionError("no docs/clusters.md above " + System.getProperty("user.dir"));
    }
}
