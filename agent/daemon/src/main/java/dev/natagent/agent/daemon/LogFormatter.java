package dev.natagent.agent.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One line per record on stderr, prefixed with the syslog priority in angle brackets (sd-daemon(3)
 * convention), so journald files each line at its level without timestamps of our own.
 */
final class LogFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(128)
                .append('<')
                .append(syslogPriority(record.getLevel()))
                .append('>')
                .append(levelName(record.getLevel()))
                .append(' ')
                .append(shortLoggerName(record.getLoggerName()))
                .append(": ")
                .append(formatMessage(record))
                .append('\n');
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    static int syslogPriority(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return 3; // err
        }
        if (value >= Level.WARNING.intValue()) {
            return 4; // warning
        }
        if (value >= Level.INFO.intValue()) {
            return 6; // info
        }
        return 7; // debug
    }

    private static String levelName(Level level) {
        return switch (syslogPriority(level)) {
            case 3 -> "ERROR";
            case 4 -> "WARN";
            case 6 -> "INFO";
            default -> "DEBUG";
        };
    }

    private static String shortLoggerName(String name) {
        if (name == null) {
            return "nat-agent";
        }
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }
}
