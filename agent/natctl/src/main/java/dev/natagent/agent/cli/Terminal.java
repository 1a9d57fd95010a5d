package dev.natagent.agent.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Where natctl's output for people goes: how wide it may be and whether it may be coloured. The
 * width is $COLUMNS, else the terminal's own when stdout is one, else 80; the terminal is asked
 * only when a command prints for people (it takes a process). Colour only on a terminal, never
 * with $NO_COLOR set (no-color.org) or TERM=dumb.
 */
final class Terminal {
    static final int DEFAULT_COLUMNS = 80;
    /** Output that no terminal reads (tests, pipes without $COLUMNS). */
    static final Terminal PLAIN = new Terminal(DEFAULT_COLUMNS, false);

    private final IntSupplier width;
    private final boolean colour;
    private int columns;

    Terminal(int columns, boolean colour) {
        this.width = null;
        this.columns = columns;
        this.colour = colour;
    }

    private Terminal(IntSupplier width, boolean colour) {
        this.width = width;
        this.colour = colour;
    }

    private Terminal(boolean colour) {
        this(null, colour);
    }

    int columns() {
        if (columns == 0) {
            int asked = width == null ? ttyColumns() : width.getAsInt();
            columns = asked > 0 ? asked : DEFAULT_COLUMNS;
        }
        return columns;
    }

    boolean colour() {
        return colour;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Terminal terminal && terminal.columns() == columns() && terminal.colour == colour;
    }

    @Override
    public int hashCode() {
        return columns() * 2 + (colour ? 1 : 0);
    }

    @Override
    public String toString() {
        return columns() + " columns" + (colour ? ", colour" : "");
    }

    static Terminal detect() {
        // Java 17's System.console() exists only when stdin and stdout are both terminals.
        return detect(System.getenv(), System.console() != null, null);
    }

    /**
     * @param ttyColumns the terminal's width, asked only when stdout is a terminal and $COLUMNS is
     *     unset, 0 if unknown; null: ask the controlling terminal (a method reference would cost
     *     natctl start-up time on every run)
     */
    static Terminal detect(Map<String, String> env, boolean tty, IntSupplier ttyColumns) {
        int columns = positive(env.get("COLUMNS"));
        String noColor = env.get("NO_COLOR");
        boolean colour = tty && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
        if (columns > 0 || !tty) {
            return new Terminal(columns > 0 ? columns : DEFAULT_COLUMNS, colour);
        }
        return ttyColumns == null ? new Terminal(colour) : new Terminal(ttyColumns, colour);
    }

    private static int positive(String text) {
        if (text == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The controlling terminal's columns, by {@code stty size} (the JDK cannot ask the tty itself). */
    private static int ttyColumns() {
        try {
            Process stty = new ProcessBuilder("stty", "size")
                    .redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!stty.waitFor(1, TimeUnit.SECONDS) || stty.exitValue() != 0) {
                return 0;
            }
            String[] rowsColumns = size.split("\\s+");
            return rowsColumns.length == 2 ? positive(rowsColumns[1]) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** {@code text} in an ANSI colour (SGR code, e.g. "31" red) when colour is on, else as it is. */
    String paint(String text, String sgr) {
        return colour && sgr != null && !text.isEmpty() ? "\u001b[" + sgr + "m" + text + "\u001b[0m" : text;
    }

    /** The colour of a health or severity word: ok/up green, warning/degraded yellow, error/down/failed red. */
    static String colourOf(String word) {
        return switch (word) {
            case "ok", "up" -> "32";
            case "warning", "degraded", "drifted" -> "33";
            case "error", "down", "failed", "missing" -> "31";
            default -> null;
        };
    }
}
