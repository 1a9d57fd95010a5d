package dev.natagent.agent.cli;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Initialises what an agent call needs and the JDK is slow to set up, on a second thread while
 * picocli parses the command line: the UNIX-domain socket support (its SecureRandom and selector
 * provider, a noticeable share of a short call: bench/natctl-bench.sh) and Jackson's parser and
 * generator. Class initialisation runs once
 * per JVM and a thread that needs a class being initialised waits for it, so no work is done twice.
 */
final class WarmUp implements Runnable {
    private static final byte[] DOCUMENT = "{\"v\":1,\"ok\":true}".getBytes(StandardCharsets.US_ASCII);

    static void start() {
        Thread thread = new Thread(new WarmUp(), "natctl-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            SocketChannel.open(StandardProtocolFamily.UNIX).close();
            CliJson.compactBytes(CliJson.read(DOCUMENT));
        } catch (IOException | RuntimeException e) {
            // only a head start: the real call does the same and reports what fails
        }
    }
}
