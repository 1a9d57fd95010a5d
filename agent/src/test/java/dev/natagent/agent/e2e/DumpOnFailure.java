package dev.natagent.agent.e2e;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/** Prints what explains a failure (daemon log, ruleset) while the lab still exists, before clean-up. */
final class DumpOnFailure implements TestExecutionExceptionHandler {
    private final Supplier<String> diagnostics;

    DumpOnFailure(Supplier<String> diagnostics) {
        this.diagnostics = diagnostics;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        System.err.println("==== " + context.getDisplayName() + " failed; diagnostics follow\n" + diagnostics.get());
        throw failure;
    }
}
