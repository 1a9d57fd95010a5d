package dev.natagent.agent.reconcile;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.Target;
import java.util.List;

/** The AWS ElastiCache guide's setup, as states for tests. */
final class Examples {
    private Examples() {}

    static Forward redis(ReturnPath returnPath) {
        return new Forward(
                "redis",
                Protocol.TCP,
                PortRange.parse("6379-6381"),
                List.of(
                        Target.parse("10.0.1.230:6379"),
                        Target.parse("10.0.1.231:6379"),
                        Target.parse("10.0.1.232:6379")),
                List.of(Cidr.parse("198.51.100.27/32")),
                returnPath);
    }

    static Forward memcached() {
        return new Forward(
                "memcached",
                Protocol.TCP,
                PortRange.parse("11211-11213"),
                List.of(
                        Target.parse("10.0.1.240:11211"),
                        Target.parse("10.0.1.241:11211"),
                        Target.parse("10.0.1.242:11211")),
                List.of(),
                ReturnPath.MASQUERADE);
    }

    static Outbound privateSubnets() {
        return new Outbound("private", List.of(Cidr.parse("10.0.0.0/16")), "ens5");
    }

    /** Redis and memcached forwards with masquerade, plus outbound PAT of the private subnet. */
    static NatState aws() {
        return NatState.of(
                Settings.DEFAULTS, List.of(redis(ReturnPath.MASQUERADE), memcached()), List.of(privateSubnets()));
    }

    /** Redis replies SNATed to the NAT instance's private address instead. */
    static NatState awsSnat() {
        return NatState.of(
                Settings.DEFAULTS,
                List.of(redis(ReturnPath.parse("10.0.0.55")), memcached()),
                List.of(privateSubnets()));
    }
}
