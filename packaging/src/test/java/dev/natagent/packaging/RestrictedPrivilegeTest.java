package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.natagent.testing.KernelTests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs packaging/test-restricted.sh: the real daemon as the unit runs it (an unprivileged user,
 * only CAP_NET_ADMIN, the unit's file-system sandbox and system-call filter) in a namespace of
 * its own. The script makes
 * and removes its own users, group and namespace; this test checks each of its findings and that
 * nothing of the run is left behind.
 */
@Tag(KernelTests.TAG)
class RestrictedPrivilegeTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Test
    void agentWorksWithOnlyCapNetAdminInsideTheUnitsSandbox() throws Exception {
        KernelTests.requireKernel();
        Project.requireTools(
                "setpriv",
                "unshare",
                "nsenter",
                "useradd",
                "groupadd",
                "userdel",
                "groupdel",
                "strace",
                "systemd-analyze");
        Project.Result run = Project.run(
                Map.of(), List.of(Project.path("packaging/test-restricted.sh").toString()), TIMEOUT);
        List<String> leftovers = removeLeftovers(run.pid());

        assertAll(
                () -> assertEquals(List.of(), leftovers, "the script removes what it created"),
                () -> assertEquals(0, run.exitCode(), run::describe),
                Project.passed(run, "ready", "READY=1"),
                Project.passed(run, "privileges", "CapEff=0000000000001000 CapBnd=0000000000001000"),
                Project.passed(run, "sandbox", "private noexec /tmp"),
                Project.passed(run, "sysctls", "ip_forward=1 and send_redirects=0"),
                Project.passed(run, "host", "ip_forward untouched"),
                Project.passed(
                        run, "socket", "0660 natagent-test-agent-" + run.pid() + ":natagent-test-admin-" + run.pid()),
                Project.passed(run, "member", "can run natctl status"),
                Project.passed(run, "outsider", "exit 3"),
                Project.passed(run, "add", "acknowledged"),
                Project.passed(run, "nat", "shows the forward"),
                Project.passed(run, "sigterm", "table left in place"),
                Project.passed(run, "syscalls", "none of @privileged/@resources used"));
    }

    /** Whatever the run (script PID {@code pid}) left behind is removed here and reported. */
    private static List<String> removeLeftovers(long pid) throws Exception {
        List<String> leftovers = new ArrayList<>();
        for (String role : List.of("agent", "member", "outsider")) {
            String user = "natagent-test-" + role + "-" + pid;
            if (exists("passwd", user)) {
                leftovers.add("user " + user);
                Project.run(List.of("userdel", user));
            }
        }
        for (String role : List.of("admin", "member", "outsider")) {
            String group = "natagent-test-" + role + "-" + pid;
            if (exists("group", group)) {
                leftovers.add("group " + group);
                Project.run(List.of("groupdel", group));
            }
        }
        String netns = "natagent-test-" + pid;
        if (Project.run(List.of("ip", "netns", "list"))
                .stdout()
                .lines()
                .anyMatch(line -> line.split(" ")[0].equals(netns))) {
            leftovers.add("network namespace " + netns);
            Project.run(List.of("ip", "netns", "delete", netns));
        }
        return leftovers;
    }

    private static boolean exists(String database, String name) throws Exception {
        return Project.run(List.of("getent", database, name)).exitCode() == 0;
    }
}
