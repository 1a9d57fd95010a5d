package dev.natagent.agent.e2e;

import dev.natagent.testing.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * One {@link RedisClusterLab} for a whole test class (forming a cluster takes seconds, so the tests
 * of a class share it and run in order), in a directory of its own; a kernel test. When a test or
 * a set-up fails, the agent's log and the ruleset are printed before clean-up.
 */
final class RedisClusterPerClass
        implements BeforeAllCallback,
                AfterAllCallback,
                TestExecutionExceptionHandler,
                LifecycleMethodExecutionExceptionHandler {
    private final List<String> tlsNames;
    private final boolean hostnames;
    private Path dir;
    private RedisClusterLab lab;

    /** A plain-TCP cluster lab whose nodes advertise their addresses. */
    RedisClusterPerClass() {
        this(List.of(), false);
    }

    /**
     * With {@code tlsNames} (IPs, hostnames) not empty: TLS only, with a node certificate naming
     * them all; with {@code hostnames} the nodes advertise hostnames (see {@link RedisClusterLab#create}).
     */
    RedisClusterPerClass(List<String> tlsNames, boolean hostnames) {
        this.tlsNames = List.copyOf(tlsNames);
        this.hostnames = hostnames;
    }

    RedisClusterLab get() {
        return lab;
    }

    Path dir() {
        return dir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        KernelTests.requireKernel();
        dir = Files.createTempDirectory("redis-cluster-");
        lab = RedisClusterLab.create(dir, tlsNames.isEmpty() ? null : RedisTls.create(dir, tlsNames), hostnames);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (lab != null) {
                lab.close();
            }
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw dump(context, failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw dump(context, failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw dump(context, failure);
    }

    private Throwable dump(ExtensionContext context, Throwable failure) {
        System.err.println("==== " + context.getDisplayName() + " failed; diagnostics follow\n"
                + (lab == null ? "(no lab)" : lab.nat.diagnostics()));
        return failure;
    }
}
