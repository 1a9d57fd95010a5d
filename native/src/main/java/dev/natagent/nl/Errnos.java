package dev.natagent.nl;

import jnr.constants.platform.Errno;

/** errno numbers to the names and texts of this platform (via jnr-constants). */
public final class Errnos {
    private Errnos() {}

    /** "EEXIST" for 17; "errno 4242" for a number the platform does not define. */
    public static String name(int errno) {
        Errno known = lookup(errno);
        return known == null ? "errno " + errno : known.name();
    }

    /** strerror-like text, e.g. "File exists". */
    public static String description(int errno) {
        Errno known = lookup(errno);
        return known == null ? "unknown error" : known.description();
    }

    private static Errno lookup(int errno) {
        Errno known = Errno.valueOf(errno);
        return known == Errno.__UNKNOWN_CONSTANT__ ? null : known;
    }
}
