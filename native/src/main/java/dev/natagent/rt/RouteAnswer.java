package dev.natagent.rt;

/**
 * The kernel's answer to a route query.
 *
 * @param errno 0 when it found a route; else why not, e.g. ENETUNREACH (no route), EHOSTUNREACH
 *     (forwarding is off), EACCES (a prohibit route), EINVAL (a martian or reverse-path filtered
 *     source, or a blackhole route)
 * @param type the route's type (rtm_type: {@link #UNICAST}, {@link #LOCAL}, ...), 0 with errno
 * @param table the routing table it came from, 0 with errno
 * @param outputInterface the index of the interface it leaves through, 0 when none
 */
public record RouteAnswer(int errno, int type, int table, int outputInterface) {
    public static final int UNICAST = 1;
    public static final int LOCAL = 2;
    public static final int BROADCAST = 3;
    public static final int BLACKHOLE = 6;
    public static final int UNREACHABLE = 7;
    public static final int PROHIBIT = 8;

    static RouteAnswer refused(int errno) {
        return new RouteAnswer(errno, 0, 0, 0);
    }

    public boolean found() {
        return errno == 0;
    }
}
