package dev.natagent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark's quick plan runs end to end and prints its whole table, and leaves no namespace
 * behind. Asserts no timing: figures from a smoke run on a shared machine judge nothing.
 */
@Tag(KernelTests.TAG)
@Tag("bench-smoke")
class NativeBenchSmokeTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theQuickPlanPrintsEveryRowAndTarget() throws Exception {
        KernelTests.requireKernel();
        BenchPlan plan = BenchPlan.quick();
        ByteArrayOutputStream table = new ByteArrayOutputStream();

        NativeBench.run(
                plan,
                new PrintStream(table, true, StandardCharsets.UTF_8),
                new PrintStream(OutputStream.nullOutputStream()));

        String printed = table.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(printed.contains("== " + Report.TITLE + " (quick plan) =="), printed);
        for (int n : plan.applySizes()) {
            assertRow(printed, n, ColdApply.OURS, "apply");
            assertRow(printed, n, ColdApply.ENCODING, "apply");
            assertRow(printed, n, ColdApply.NFT_F, "apply");
        }
        for (int n : plan.elementSizes()) {
            for (String op : List.of("add", "delete")) {
                assertRow(printed, n, ElementChurn.OURS, op);
                assertRow(printed, n, ElementChurn.NFT_I, op);
                assertRow(printed, n, ElementChurn.NFT_PROCESS, op);
            }
        }
        String targets = printed.substring(printed.indexOf(Report.TARGETS));
        assertEquals(8, targets.lines().filter(line -> line.endsWith("  -")).count(), targets);
        assertTrue(ownNamespacesLeft().isEmpty(), "namespaces left: " + ownNamespacesLeft());
    }

    /** A row of {@code method} at {@code n} for {@code op} with a count and a median. */
    private static void assertRow(String printed, int n, String method, String op) {
        Pattern row = Pattern.compile("(?m)^ +" + Pattern.quote(String.format(Locale.ROOT, "%,d", n)) + " +"
                + Pattern.quote(method) + ".* " + op + " +\\d+ +\\d+(\\.\\d+)? ");
        assertTrue(row.matcher(printed).find(), "no " + op + " row for " + method + " at N=" + n + ":\n" + printed);
    }

    private static List<String> ownNamespacesLeft() throws IOException {
        String prefix = Netns.PREFIX + ProcessHandle.current().pid() + "-";
        Process list = new ProcessBuilder("ip", "netns", "list").start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return out.lines().filter(line -> line.startsWith(prefix)).toList();
    }
}
