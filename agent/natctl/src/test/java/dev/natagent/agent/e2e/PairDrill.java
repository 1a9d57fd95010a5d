package dev.natagent.agent.e2e;

import dev.natagent.agent.e2e.PairLab.Node;
import dev.natagent.agent.testing.KernelTable;
import java.util.Set;

/**
 * Moves the active role of a running {@link PairLab} and measures what one open connection (a
 * {@link RedisPinger}) saw of it: the failovers and failbacks the end-to-end test and the benchmark
 * share.
 */
final class PairDrill {
    private static final long MOVE_TIMEOUT_MILLIS = 40_000;
    private static final int ANSWERS_AFTER = 10;

    /** What takes the active node out, and what brings it back. */
    enum Trigger {
        /** Its public link goes down (keepalived tracks the interface: fault). */
        LINK_DOWN("public link down", "public link up"),
        /** keepalived stops (SIGTERM: it gives the addresses up at once). */
        KEEPALIVED_STOP("keepalived stopped", "keepalived started"),
        /** The agent dies (SIGKILL): ha-check fails, keepalived lowers the node's priority. */
        AGENT_KILL("agent killed", "agent started");

        final String failover;
        final String failback;

        Trigger(String failover, String failback) {
            this.failover = failover;
            this.failback = failback;
        }

        void takeOut(Node node) throws Exception {
            switch (this) {
                case LINK_DOWN -> node.link("pub", false);
                case KEEPALIVED_STOP -> node.stopKeepalived();
                case AGENT_KILL -> node.agent.kill();
            }
        }

        void bringBack(Node node) throws Exception {
            switch (this) {
                case LINK_DOWN -> node.link("pub", true);
                case KEEPALIVED_STOP -> node.startKeepalived();
                case AGENT_KILL -> node.agent.start();
            }
        }
    }

    /**
     * One move of the active role.
     *
     * @param gapMillis the longest time the pinger's connection went without an answer around it
     * @param newConnection what a new connection opened right after the move got (its client id),
     *     or why it failed
     */
    record Move(String what, long gapMillis, String newConnection) {}

    private PairDrill() {}

    /** natA out, natB active; then natA back and active again. */
    static Move failover(PairLab lab, RedisPinger pinger, Trigger trigger) throws Exception {
        return move(lab, pinger, trigger.failover, () -> trigger.takeOut(lab.natA), lab.natB);
    }

    static Move failback(PairLab lab, RedisPinger pinger, Trigger trigger) throws Exception {
        return move(lab, pinger, trigger.failback, () -> trigger.bringBack(lab.natA), lab.natA);
    }

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private static Move move(PairLab lab, RedisPinger pinger, String what, Action action, Node to) throws Exception {
        int mark = pinger.mark();
        action.run();
        lab.awaitActive(to, MOVE_TIMEOUT_MILLIS);
        String fresh;
        try {
            fresh = CacheClient.redis(lab.client, PairLab.FLOATING_PUBLIC, PairLab.PORT, "CLIENT", "ID");
        } catch (Exception e) {
            fresh = "failed: " + e;
        }
        pinger.awaitAnswers(Math.max(mark, pinger.mark()), ANSWERS_AFTER, MOVE_TIMEOUT_MILLIS);
        assertTablesMatchState(lab);
        return new Move(what + " -> " + to.name + " active", pinger.longestGapMillis(mark), fresh);
    }

    /** Every running agent's kernel table, read by nft, holds the state, and both nodes' tables are equal. */
    static void assertTablesMatchState(PairLab lab) throws Exception {
        String listing = null;
        for (Node node : lab.nodes()) {
            if (node.agent == null || !node.agent.isAlive()) {
                continue;
            }
            Set<String> elements = KernelTable.forwardElements(node.ns);
            if (!elements.equals(Set.of("tcp . 6379 : " + PairLab.CACHE + " . 6379"))) {
                throw new AssertionError(node.name + "'s forwards map is " + elements);
            }
            String masked = KernelTable.withHandles(node.ns).replaceAll(" # handle \\d+", "");
            if (listing != null && !listing.equals(masked)) {
                throw new AssertionError("the two nodes' tables differ:\n" + listing + "\n----\n" + masked);
            }
            listing = masked;
        }
    }
}
