package dev.natagent.agent.reconcile;

import dev.natagent.nft.client.NftClient;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;

/**
 * A namespace of its own whose table nat_agent is reconciled to a desired state and watched by a
 * {@link DriftWatcher} at its default poll, with a second client for a test to read the kernel
 * through. {@link #close()} stops the watcher and removes the namespace.
 */
final class WatchedKernel implements AutoCloseable {
    private final Netns netns;
    private NftClient client;
    private NftClient observer;
    private ScheduledExecutorService executor;
    private Reconciler reconciler;
    private DriftWatcher watcher;

    private WatchedKernel(Netns netns) {
        this.netns = netns;
    }

    /** @param wrap the port the reconciler uses, given the one that talks to the kernel (e.g. to count calls) */
    static WatchedKernel start(Desired desired, UnaryOperator<NftPort> wrap) throws Exception {
        WatchedKernel kernel = new WatchedKernel(Netns.create());
        try {
            kernel.client = kernel.netns.call(NftClient::openIpv4);
            kernel.observer = kernel.netns.call(NftClient::openIpv4);
            kernel.reconciler = new Reconciler(wrap.apply(new ClientNftPort(kernel.client)));
            kernel.reconciler.reconcileFull(desired);
            kernel.executor = Executors.newSingleThreadScheduledExecutor();
            kernel.watcher =
                    new DriftWatcher(kernel.reconciler, kernel.executor, DriftWatcher.DEFAULT_POLL, Clock.systemUTC());
            kernel.watcher.start();
            return kernel;
        } catch (Exception | Error e) {
            kernel.close();
            throw e;
        }
    }

    Netns netns() {
        return netns;
    }

    NftClient observer() {
        return observer;
    }

    Reconciler reconciler() {
        return reconciler;
    }

    DriftWatcher watcher() {
        return watcher;
    }

    @Override
    public void close() throws IOException {
        if (executor != null) {
            executor.shutdownNow();
        }
        for (NftClient c : new NftClient[] {client, observer}) {
            if (c != null) {
                c.close();
            }
        }
        netns.close();
    }
}
