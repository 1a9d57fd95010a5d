package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** packaging/check-unit.sh passes on the shipped unit and fails on a weakened or broken one. */
@Tag("packaging")
class UnitCheckTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        Project.requireTools("systemd-analyze");
    }

    private static Project.Result check(Path unit) throws Exception {
        return Project.run(List.of(Project.path("packaging/check-unit.sh").toString(), unit.toString()));
    }

    private Path variant(String from, String to) throws Exception {
        String unit = Files.readString(Project.path("systemd/nat-agent.service"));
        assertTrue(unit.contains(from), from);
        Path copy = tmp.resolve("nat-agent.service");
        Files.writeString(copy, unit.replace(from, to));
        return copy;
    }

    @Test
    void shippedUnitIsCleanAndWithinTheExposureTarget() throws Exception {
        Project.Result result = check(Project.path("systemd/nat-agent.service"));
        assertEquals(0, result.exitCode(), result::describe);
        assertTrue(result.stdout().contains("systemd-analyze verify: clean"), result::describe);
        assertTrue(result.stdout().matches("(?s).*exposure (0\\.\\d|1\\.[0-5]) <= 1\\.5.*"), result::describe);
    }

    @Test
    void weakerSandboxFailsTheExposureTarget() throws Exception {
        Project.Result result = check(variant("PrivateTmp=yes\n", "PrivateTmp=no\nProtectHome=no\n"));
        assertNotEquals(0, result.exitCode(), result::describe);
        assertTrue(result.stderr().contains("FAIL exposure"), result::describe);
    }

    @Test
    void settingThatSystemdIgnoresFailsVerify() throws Exception {
        Project.Result result = check(variant("UMask=0077\n", "UMask=0077\nProtectKernelTunable=yes\n"));
        assertNotEquals(0, result.exitCode(), result::describe);
        assertTrue(result.stderr().contains("FAIL systemd-analyze verify"), result::describe);
        assertTrue(result.stderr().contains("ProtectKernelTunable"), result::describe);
    }
}
