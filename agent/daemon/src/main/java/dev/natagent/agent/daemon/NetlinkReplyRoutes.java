package dev.natagent.agent.daemon;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.service.Doctor;
import dev.natagent.agent.service.Doctor.ReplyRoute;
import dev.natagent.rt.RouteAnswer;
import dev.natagent.rt.RouteLookup;
import java.io.IOException;
import jnr.constants.platform.Errno;

/**
 * For doctor only: asks the kernel (RTM_GETROUTE, as {@code ip route get CLIENT from TARGET iif
 * IFACE}) how it would forward a reply from a target to a client, the interface being the one the
 * target is reached through, so that policy rules and every table count, as for real replies.
 */
final class NetlinkReplyRoutes implements Doctor.ReplyRoutes {
    @Override
    public ReplyRoute route(Ipv4 target, Ipv4 client) throws IOException {
        // A socket per question: doctor runs on any reader thread, and one answer must not meet another's query.
        try (RouteLookup routes = RouteLookup.open()) {
            RouteAnswer toTarget = routes.output(target.toBytes());
            if (!toTarget.found()) {
                String why = toTarget.errno() == Errno.ENETUNREACH.intValue() ? "" : " (" + why(toTarget) + ")";
                return new ReplyRoute(false, "this instance has no route to the target itself" + why);
            }
            RouteAnswer reply = toTarget.type() == RouteAnswer.LOCAL
                    ? routes.output(client.toBytes())
                    : routes.input(client.toBytes(), target.toBytes(), toTarget.outputInterface());
            if (reply.found() && (reply.type() == RouteAnswer.UNICAST || reply.type() == RouteAnswer.LOCAL)) {
                return new ReplyRoute(true, "table " + table(reply.table()));
            }
            return new ReplyRoute(false, why(reply));
        }
    }

    private static String why(RouteAnswer answer) {
        if (answer.found()) {
            return switch (answer.type()) {
                case RouteAnswer.BLACKHOLE -> "a blackhole route in table " + table(answer.table());
                case RouteAnswer.UNREACHABLE -> "an unreachable route in table " + table(answer.table());
                case RouteAnswer.PROHIBIT -> "a prohibit route in table " + table(answer.table());
                default -> "a route of type " + answer.type() + " in table " + table(answer.table());
            };
        }
        int errno = answer.errno();
        if (errno == Errno.ENETUNREACH.intValue()) {
            return "no route";
        }
        if (errno == Errno.EHOSTUNREACH.intValue()) {
            return "not forwarded: forwarding is off for the interface the replies arrive on";
        }
        if (errno == Errno.EACCES.intValue()) {
            return "a prohibit route";
        }
        if (errno == Errno.EINVAL.intValue()) {
            return "refused: a blackhole route, or reverse-path filtering or a martian check drops the reply";
        }
        return "refused by the kernel (errno " + errno + ")";
    }

    /** The names iproute2 gives the reserved tables. */
    private static String table(int id) {
        return switch (id) {
            case 253 -> "default";
            case 254 -> "main";
            case 255 -> "local";
            default -> Integer.toString(id);
        };
    }
}
