package dev.natagent.nl;

import java.io.IOException;

/** A libc call returned -1: carries the call name and errno (number and symbolic name). */
public final class SyscallException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;

    public SyscallException(String call, int errno) {
        super(call + ": " + Errnos.name(errno) + " (" + errno + ", " + Errnos.description(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic name, e.g. "EPERM". */
    public String errnoName() {
        return Errnos.name(errno);
    }
}
