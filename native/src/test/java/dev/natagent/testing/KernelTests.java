package dev.natagent.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Gate for tests that need the real kernel (tag them {@code @Tag("kernel")}): they need root, the
 * {@code ip} and {@code nft} tools and working network namespaces. Without them a test is skipped
 * on a workstation, but with {@code CI=true} it fails: CI must never pass by skipping them.
 */
public final class KernelTests {
    public static final String TAG = "kernel";
    private static final String PROBLEM = probe();

    private KernelTests() {}

    public static void requireKernel() {
        gate(PROBLEM, System.getenv("CI"));
    }

    /** Passes when {@code problem} is null; otherwise fails under CI=true, else aborts (skips). */
    static void gate(String problem, String ci) {
        if (problem == null) {
            return;
        }
        if ("true".equalsIgnoreCase(ci)) {
            fail("kernel tests cannot run, and CI=true forbids skipping them: " + problem);
        }
        assumeTrue(false, "kernel tests skipped: " + problem);
    }

    /** Null when kernel tests can run, else why not. */
    private static String probe() {
        try {
            if (effectiveUid() != 0) {
                return "not running as root";
            }
            for (String tool : List.of("ip", "nft")) {
                if (!Processes.run(List.of("sh", "-c", "command -v " + tool)).ok()) {
                    return tool + " is not installed";
                }
            }
            try (Netns probe = Netns.create()) {
                probe.execOk("nft", "list", "tables");
            }
            return null;
        } catch (IOException | AssertionError | RuntimeException e) {
            return "network namespaces unusable: " + e.getMessage();
        }
    }

    private static int effectiveUid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.split("\\s+")[2]);
            }
        }
        throw new IOException("no Uid line in /proc/self/status");
    }
}
