package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.natagent.testing.KernelTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs packaging/boot-test.sh: the RPM installed on a Debian 12 image with cloud-init and
 * systemd-networkd, booted under a real systemd in systemd-nspawn (its own network namespace).
 * The first run builds the image with debootstrap (minutes); later runs reuse it.
 */
@Tag(KernelTests.TAG)
class BootTest {
    /** debootstrap of an uncached image, the boot and the checks, with room to spare. */
    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    @TempDir
    Path out;

    @Test
    void unitBootsWithoutOrderingCycleAndSurvivesRestarts() throws Exception {
        KernelTests.requireKernel();
        Project.requireTools(
                "debootstrap", "systemd-nspawn", "unshare", "nsenter", "setpriv", "flock", "rpmbuild", "java", "unzip");
        Path rpm = Project.buildRpm(out);

        Project.Result run = Project.run(
                Map.of(), List.of(Project.path("packaging/boot-test.sh").toString(), rpm.toString()), TIMEOUT);
        if (run.exitCode() == 2) {
            Project.missing("boot-test.sh: " + run.stderr().strip());
        }
        run.stdout().lines().filter(line -> line.startsWith("FIGURE")).forEach(System.out::println);
        List<String> leftovers = leftovers(run.pid());

        assertAll(
                () -> assertEquals(List.of(), leftovers, "the script removes what it started and created"),
                () -> assertEquals(0, run.exitCode(), run::describe),
                Project.passed(run, "boot", "system running"),
                Project.passed(run, "cycle", "(which finds one with DefaultDependencies=yes)"),
                Project.passed(run, "units", "cloud-init (local, init, config, final) active"),
                Project.passed(run, "order", "then systemd-networkd started"),
                Project.passed(run, "notify", "Type=notify, running"),
                Project.passed(run, "sysctl", "ip_forward=1 although sysctl.d sets 0"),
                Project.passed(run, "cloudinit", "user data applied the forward redis"),
                Project.passed(run, "status", "natctl status answers"),
                Project.passed(run, "add", "acknowledged"),
                Project.passed(run, "nft", "shows the forward"),
                Project.passed(run, "restart", "same rule handles"),
                Project.passed(run, "stop", "leaves the table"),
                Project.passed(run, "member", "outsider refused (exit 3)"),
                Project.passed(run, "redis", "SET seen by the node"),
                Project.passed(run, "restarts", "restarts in a row, still active"),
                Project.passed(run, "ipfilter", "(down), forwarded PING to it answered"),
                Project.passed(run, "crashloop", "reset-failed + start recovered the same handles"),
                Project.passed(run, "nm", "no ordering cycle"));
    }

    /** A container of the run (script PID {@code pid}) still running, or its overlay directory. */
    private static List<String> leftovers(long pid) throws IOException {
        List<String> leftovers = new ArrayList<>();
        String machine = "--machine=natagent-boot-" + pid;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes
                    .filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                try {
                    String cmdline =
                            Files.readString(process.resolve("cmdline")).replace('\0', ' ');
                    if (cmdline.contains(machine + " ")) {
                        leftovers.add("process " + process.getFileName() + ": " + cmdline);
                    }
                } catch (IOException gone) {
                    // The process ended while the list was read.
                }
            }
        }
        Path cache = Path.of(System.getenv().getOrDefault("NAT_AGENT_BOOT_CACHE", "/var/cache/nat-agent-boot-test"));
        if (Files.exists(cache.resolve("run-" + pid))) {
            leftovers.add("directory " + cache.resolve("run-" + pid));
        }
        Path propagate = Path.of("/run/systemd/nspawn/propagate/natagent-boot-" + pid);
        if (Files.exists(propagate)) {
            leftovers.add("directory " + propagate);
        }
        return leftovers;
    }
}
