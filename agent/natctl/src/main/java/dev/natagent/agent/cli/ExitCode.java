package dev.natagent.agent.cli;

/** natctl's exit codes: part of the contract scripts rely on. */
public final class ExitCode {
    public static final int OK = 0;
    /** The agent refused or failed the request (or doctor found an error). */
    public static final int REFUSED = 1;
    /** Bad command line: unknown option, missing argument, value natctl itself can tell is invalid. */
    public static final int USAGE = 2;
    /** The agent could not be reached: socket missing, connection refused, permission denied, timeout. */
    public static final int UNREACHABLE = 3;

    private ExitCode() {}
}
