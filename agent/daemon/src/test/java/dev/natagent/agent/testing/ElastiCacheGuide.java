package dev.natagent.agent.testing;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The AWS ElastiCache guide's layout, as states for tests and as the natctl commands a user types. */
public final class ElastiCacheGuide {
    /** The trusted client, the only source the redis forward admits. */
    public static final String TRUSTED = "198.51.100.27";

    private static final String REDIS_TARGETS = "10.0.1.230:6379,10.0.1.231:6379,10.0.1.232:6379";
    private static final String MEMCACHED_TARGETS = "10.0.1.240:11211,10.0.1.241:11211,10.0.1.242:11211";

    private ElastiCacheGuide() {}

    /** {@code natctl forward add redis}: three nodes behind 6379-6381, then {@code options}. */
    public static String[] addRedis(String... options) {
        List<String> command = new ArrayList<>(List.of(
                "forward", "add", "redis", "--listen", "6379-6381", "--to", REDIS_TARGETS, "--allow", TRUSTED + "/32"));
        command.addAll(List.of(options));
        return command.toArray(String[]::new);
    }

    public static Forward redis(ReturnPath returnPath) {
        return forward("redis", "6379-6381", REDIS_TARGETS, List.of(Cidr.parse(TRUSTED + "/32")), returnPath);
    }

    public static Forward memcached(ReturnPath returnPath) {
        return forward("memcached", "11211-11213", MEMCACHED_TARGETS, List.of(), returnPath);
    }

    public static Outbound privateSubnets() {
        return new Outbound("private", List.of(Cidr.parse("10.0.0.0/16")), "ens5");
    }

    /** Redis and memcached forwards with masquerade, plus outbound PAT of the private subnet. */
    public static NatState aws() {
        return NatState.of(
                Settings.DEFAULTS,
                List.of(redis(ReturnPath.MASQUERADE), memcached(ReturnPath.MASQUERADE)),
                List.of(privateSubnets()));
    }

    /** Redis replies SNATed to the NAT instance's private address instead. */
    public static NatState awsSnat() {
        return NatState.of(
                Settings.DEFAULTS,
                List.of(redis(ReturnPath.parse("10.0.0.55")), memcached(ReturnPath.MASQUERADE)),
                List.of(privateSubnets()));
    }

    private static Forward forward(
            String name, String listen, String targets, List<Cidr> allow, ReturnPath returnPath) {
        List<Target> parsed = Stream.of(targets.split(",")).map(Target::parse).toList();
        return new Forward(name, Protocol.TCP, PortRange.parse(listen), parsed, allow, returnPath);
    }
}
