package dev.natagent.agent.daemon;

import dev.natagent.nft.client.NftClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import jnr.enxio.channels.NativeSelectorProvider;
import jnr.unixsocket.UnixServerSocketChannel;

/**
 * The start-up work of creating JNR bindings, on a thread of its own: the nf_tables client
 * is opened while the main thread loads the persisted state, then the admin socket's bindings
 * (jnr-unixsocket, jnr-enxio) are loaded while the main thread reconciles. JNR generates those
 * classes at run time, so the class-data archive cannot hold them; on two CPUs they overlap work
 * the daemon has to do anyway (bench/start-bench.sh times the start). Nothing here changes the kernel's state or
 * creates a file: the admin socket is still bound only once the kernel matches.
 */
final class NativeStartup implements AutoCloseable {
    private final CompletableFuture<NftClient> client = new CompletableFuture<>();
    private volatile boolean taken;

    private NativeStartup() {}

    static NativeStartup begin() {
        NativeStartup startup = new NativeStartup();
        Thread thread = new Thread(startup::run, "nat-agent-native-startup");
        thread.setDaemon(true);
        thread.start();
        return startup;
    }

    private void run() {
        try {
            client.complete(NftClient.openIpv4());
        } catch (IOException | RuntimeException | Error e) {
            // The main thread rethrows it as it was thrown (e.g. libjffi not loadable).
            client.completeExceptionally(e);
            return;
        }
        loadAdminSocketBindings();
    }

    /**
     * An unbound channel and a selector, opened and closed: their bindings are generated now. A
     * failure is left to the admin server's own open, which reports it with its context.
     */
    private static void loadAdminSocketBindings() {
        try {
            UnixServerSocketChannel.open().close();
            NativeSelectorProvider.getInstance().openSelector().close();
        } catch (IOException | RuntimeException e) {
            // Reported by AdminServer.start, which opens the same things.
        }
    }

    /** The nf_tables client, or what opening it threw. The caller owns (closes) it from now on. */
    NftClient client() throws IOException {
        try {
            NftClient opened = client.join();
            taken = true;
            return opened;
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Start-up failed before the client was taken: it is closed once it is open. */
    @Override
    public void close() {
        if (!taken) {
            client.thenAccept(opened -> {
                try {
                    opened.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
