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

    /** The types picocli converts by reflection (its BuiltIn converters), as one pattern. */
    private static final String REFLECTED_TYPES = "java\\.(sql\\.(Time|Connection|Driver|Timestamp)"
            + "|time\\.(Duration|Instant|LocalDate|LocalDateTime|LocalTime|MonthDay|OffsetDateTime|OffsetTime"
            + "|Period|Year|YearMonth|ZonedDateTime|ZoneId|ZoneOffset)|nio\\.file\\.Path)";

    private StartupProperties() {}

    static void set() {
        // picocli registers converters for these types by reflection in every parser it builds,
        // initialising the classes on every call; natctl's options use none (its Path option has
        // a converter of its own). Named one by one: picocli matches each name against this
        // pattern anew in every parser, and literal text compiles far faster than a wildcard.
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
