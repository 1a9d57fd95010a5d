package dev.natagent.testing;

/** What a finished child process left: its pid, exit code and output. */
public record ExecResult(long pid, int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** This result, or an AssertionError showing the command's output. */
    public ExecResult requireSuccess(String what) {
        if (!ok()) {
            throw new AssertionError(what + " exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
        }
        return this;
    }
}
