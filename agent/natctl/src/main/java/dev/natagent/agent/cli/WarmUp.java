package dev.natagent.agent.cli;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Initialises what an agent call needs and the JDK is slow to set up, on two threads of their own
 * while picocli parses the command line: the UNIX-domain socket support (its selector provider and
 * SecureRandom, the largest share of a short call) on one, Jackson's parser, generator and tree
 * nodes on the other, so that with two CPUs or more neither waits for the other
 * (bench/natctl-bench.sh times the call). Class initialisation runs once per JVM and a thread that
 * needs a class being initialised waits for it, so no work is done twice.
 */
final class WarmUp implements Runnable {
    private static final byte[] DOCUMENT = "{\"v\":1,\"ok\":true}".getBytes(StandardCharsets.US_ASCII);

    private final boolean socket;

    private WarmUp(boolean socket) {
        this.socket = socket;
    }

    static void start() {
        start(new WarmUp(true), "natctl-warm-up-socket");
        start(new WarmUp(false), "natctl-warm-up-json");
    }

    private static void start(WarmUp warmUp, String name) {
        Thread thread = new Thread(warmUp, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            if (socket) {
                SocketChannel.open(StandardProtocolFamily.UNIX).close();
            } else {
                CliJson.compactBytes(CliJson.read(DOCUMENT));
            }
        } catch (IOException | RuntimeException e) {
            // only a head start: the real call does the same and reports what fails
        }
    }
}
