package dev.natagent.agent.e2e;

import dev.natagent.testing.KernelTests;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * A fresh {@link NatLab} for each test (a kernel test: skipped without root, failed under CI),
 * removed after it. When the test or its set-up fails, what explains it (daemon logs, ruleset) is
 * printed while the lab still exists, before clean-up.
 */
final class LabPerTest
        implements BeforeEachCallback,
                AfterEachCallback,
                TestExecutionExceptionHandler,
                LifecycleMethodExecutionExceptionHandler {
    private final Supplier<Path> dir;
    private NatLab lab;

    /** @param dir the test's own directory (its {@code @TempDir}, injected before this runs) */
    LabPerTest(Supplier<Path> dir) {
        this.dir = dir;
    }

    NatLab get() {
        return lab;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        KernelTests.requireKernel();
        lab = NatLab.create(dir.get());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (lab != null) {
            NatLab closing = lab;
            lab = null;
            closing.close();
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw dump(context, failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw dump(context, failure);
    }

    private Throwable dump(ExtensionContext context, Throwable failure) {
        System.err.println("==== " + context.getDisplayName() + " failed; diagnostics follow\n"
                + (lab == null ? "(no lab)" : lab.diagnostics()));
        return failure;
    }
}
