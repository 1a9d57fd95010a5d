package dev.natagent.agent.cli;

/** Counters for people: 3 significant digits and a unit (exact figures are in -o wide and --json). */
final class Units {
    private Units() {}

    /** 999, 1.2k, 45.6M, ... (powers of 1000). */
    static String count(long value) {
        return scaled(value, 1000, new String[] {"", "k", "M", "G", "T", "P", "E"});
    }

    /** 999B, 1.2KiB, 45.6MiB, ... (powers of 1024). */
    static String bytes(long value) {
        return scaled(value, 1024, new String[] {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"});
    }

    private static String scaled(long value, int base, String[] units) {
        if (value < base) {
            return value + units[0];
        }
        double scaled = value;
        int unit = 0;
        while (scaled >= base && unit < units.length - 1) {
            scaled /= base;
            unit++;
        }
        // By hand, not String.format: Formatter's classes would cost natctl start-up time.
        if (scaled < 10) {
            long tenths = Math.round(scaled * 10);
            return tenths / 10 + "." + tenths % 10 + units[unit];
        }
        return Math.round(scaled) + units[unit];
    }
}
