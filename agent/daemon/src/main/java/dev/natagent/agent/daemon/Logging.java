package dev.natagent.agent.daemon;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Routes java.util.logging, the daemon's one logging API, to stderr, one line each. */
final class Logging {
    private Logging() {}

    static void configure(Level level) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler stderr = new ConsoleHandler();
        stderr.setFormatter(new LogFormatter());
        stderr.setLevel(level);
        root.addHandler(stderr);
        root.setLevel(level);
    }
}
