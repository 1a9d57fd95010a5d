package dev.natagent.agent.cli;

/**
 * System properties that spare a natctl call work it has no use for, set before picocli or a
 * socket is touched. Without them the JVM opens every jar on the class path and reads its whole
 * directory, twice over, to look for classes and services natctl does not have.
 */
final class StartupProperties {
    /** The JDK's own selector provider on Linux (what SelectorProvider falls back to). */
    private static final String EPOLL = "sun.nio.ch.EPollSelectorProvider";

    private static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

    /**
     * The types picocli converts by reflection (its BuiltIn converters: java.sql, java.time and
     * java.nio.file.Path), all under java.: the shortest pattern that names them all.
     */
    private static final String REFLECTED_TYPES = "java\\..+";

    private StartupProperties() {}

    static void set() {
        // picocli registers converters for these types by reflection in every parser it builds,
        // initialising the classes on every call; natctl's options use none (its Path option has
        // a converter of its own). picocli compiles this pattern anew for each of those types in
        // every parser it builds, so its length is paid many times over: a short one, not a list.
        System.setProperty("picocli.converters.excludes", REFLECTED_TYPES);
        // picocli's default factory looks for Groovy's Closure class on the class path.
        System.setProperty("picocli.disable.closures", "true");
        // The first socket asks the service loader for a selector provider on the class path
        // before it takes the platform's default; naming that default skips the search.
        if (System.getProperty(SELECTOR_PROVIDER) == null && jdkHas(EPOLL)) {
            System.setProperty(SELECTOR_PROVIDER, EPOLL);
        }
    }

    private static boolean jdkHas(String className) {
        try {
            Class.forName(className, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
