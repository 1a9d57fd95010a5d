package dev.natagent.agent.api;

import java.nio.file.Path;

/**
 * An admin socket backed by {@link FakeOperations}, for measuring natctl and API latency without
 * a kernel: {@code java -cp agent/target/classes:agent/target/test-classes:agent/target/lib/*
 * dev.natagent.agent.api.FakeAgent /tmp/bench/admin.sock} (runs until killed).
 */
public final class FakeAgent {
    private FakeAgent() {}

    public static void main(String[] args) throws Exception {
        AdminServer server = TestSockets.start(
                AdminServerConfig.defaults(Path.of(args[0]), args.length > 1 ? args[1] : "root"), new FakeOperations());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (java.io.IOException e) {
                System.err.println("close failed: " + e.getMessage());
            }
        }));
        Thread.currentThread().join();
    }
}
