package dev.natagent.agent.testing;

import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Target;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent's table as the real {@code nft} prints it inside a test namespace. */
public final class KernelTable {
    private static final Pattern COUNTER = Pattern.compile("counter packets \\d+ bytes \\d+");
    private static final Pattern FORWARD_ELEMENT =
            Pattern.compile("(tcp|udp) \\. (\\d+) (?:counter packets \\d+ bytes \\d+ )?: ([\\d.]+) \\. (\\d+)");

    private KernelTable() {}

    /** {@code nft list table FAMILY NAME}, or the command's error when there is no such table. */
    public static String listing(Netns netns, String family, String table) throws IOException {
        var result = netns.exec("nft", "list", "table", family, table);
        return result.ok() ? result.stdout() : "absent: " + result.stderr();
    }

    /**
     * {@code nft -a list table ip nat_agent} with counter values masked (traffic moves them): equal
     * texts mean the same objects with the same handles.
     */
    public static String withHandles(Netns netns) throws IOException {
        String listing = netns.execOk("nft", "-a", "list", "table", "ip", "nat_agent");
        return COUNTER.matcher(listing).replaceAll("counter");
    }

    /** The forwards map's elements as "tcp . 6379 : 10.0.1.230 . 6379", sorted. */
    public static Set<String> forwardElements(Netns netns) throws IOException {
        String listing = netns.execOk("nft", "list", "map", "ip", "nat_agent", "forwards");
        Set<String> elements = new TreeSet<>();
        Matcher m = FORWARD_ELEMENT.matcher(listing);
        while (m.find()) {
            elements.add(m.group(1) + " . " + m.group(2) + " : " + m.group(3) + " . " + m.group(4));
        }
        return elements;
    }

    /** What the forwards map must hold for {@code state} (literal targets only). */
    public static Set<String> expectedForwardElements(NatState state) {
        Set<String> elements = new TreeSet<>();
        for (Forward forward : state.forwards().values()) {
            for (int i = 0; i < forward.targets().size(); i++) {
                Target target = forward.targets().get(i);
                elements.add(forward.proto() + " . " + (forward.listen().first() + i) + " : "
                        + target.literal().orElseThrow() + " . " + target.port());
            }
        }
        return elements;
    }
}
