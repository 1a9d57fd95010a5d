package dev.natagent.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A left-aligned text table that fits the terminal: a cell may hold several lines (e.g. one target
 * per line), and when the table is wider than the terminal, its widest columns wrap inside their
 * cells, at spaces and after commas only, never inside a word. A row may carry detail lines,
 * printed under it across the whole width. Columns marked {@link #painted} colour their status
 * word (ok, up, error, ...) when the terminal takes colour.
 */
final class TextTable {
    /** A continuation of a wrapped detail line is indented this much deeper than the line. */
    private static final String CONTINUATION = "    ";

    private final String[] headers;
    private final List<Row> rows = new ArrayList<>();
    private final boolean[] painted;
    /** Columns to leave out, in this order, while the table cannot fit even with its cells wrapped. */
    private int[] optional = new int[0];
    /** A column that wraps before any other does (a list, say). */
    private int wrapsFirst = -1;
    /** As wide as it takes (-o wide): no wrapping, no column left out. */
    private boolean unlimited;

    private record Row(String[] cells, List<String> details) {}

    TextTable(String... headers) {
        this.headers = headers.clone();
        this.painted = new boolean[headers.length];
    }

    /** Colours the first word of column {@code index}'s cells by what it says (see {@link Terminal#colourOf}). */
    TextTable painted(int index) {
        painted[index] = true;
        return this;
    }

    /** Columns that may be left out when the terminal is too narrow, least needed first. */
    TextTable optional(int... columns) {
        optional = columns.clone();
        return this;
    }

    TextTable wrapsFirst(int column) {
        wrapsFirst = column;
        return this;
    }

    TextTable unlimited() {
        unlimited = true;
        return this;
    }

    TextTable row(String... cells) {
        return row(List.of(), cells);
    }

    /** A row followed by {@code details}, each a line of its own under the row (wrapped at the width). */
    TextTable row(List<String> details, String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("expected " + headers.length + " cells, got " + cells.length);
        }
        rows.add(new Row(cells.clone(), List.copyOf(details)));
        return this;
    }

    void print(PrintWriter out, Terminal terminal) {
        // Loops, not streams: natctl prints one table per run, and streams cost start-up time.
        int columns = unlimited ? Integer.MAX_VALUE : terminal.columns();
        int[] widths = widths(columns);
        printLine(out, terminal, headers.clone(), widths, false);
        for (Row row : rows) {
            String[][] lines = new String[row.cells().length][];
            int height = 1;
            for (int i = 0; i < row.cells().length; i++) {
                lines[i] = wrap(row.cells()[i], widths[i]).toArray(new String[0]);
                height = Math.max(height, lines[i].length);
            }
            for (int line = 0; line < height; line++) {
                String[] cells = new String[row.cells().length];
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = line < lines[i].length ? lines[i][line] : "";
                }
                printLine(out, terminal, cells, widths, line == 0);
            }
            for (String detail : row.details()) {
                List<String> wrapped = wrap(
                        detail.stripLeading(),
                        terminal.columns() - indent(detail).length());
                for (int i = 0; i < wrapped.size(); i++) {
                    String line = wrapped.get(i);
                    String indent = indent(detail) + (i == 0 ? "" : CONTINUATION);
                    // A word as wide as the terminal starts further left rather than overflowing.
                    while (!indent.isEmpty() && indent.length() + line.length() > columns) {
                        indent = indent.substring(1);
                    }
                    out.println(indent + line);
                }
            }
        }
    }

    /**
     * Each column as wide as its longest line, then, while the table is wider than {@code columns},
     * the widest column that can still wrap gives up one character; no column gets narrower than
     * its header or its longest word (then the table is wider than the terminal, not broken).
     */
    private int[] widths(int columns) {
        int[] widths = new int[headers.length];
        int[] minimum = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            minimum[i] = headers[i].length();
        }
        for (Row row : rows) {
            for (int i = 0; i < row.cells().length; i++) {
                for (String line : row.cells()[i].split("\n", -1)) {
                    widths[i] = Math.max(widths[i], line.length());
                    for (String word : words(line)) {
                        minimum[i] = Math.max(minimum[i], word.length());
                    }
                }
            }
        }
        int total = -2;
        for (int width : widths) {
            total += width + 2;
        }
        int least = -2;
        for (int width : minimum) {
            least += width + 2;
        }
        // A width of 0 leaves the column out (printLine skips it).
        for (int i = 0; i < optional.length && least > columns; i++) {
            least -= minimum[optional[i]] + 2;
            total -= widths[optional[i]] + 2;
            widths[optional[i]] = 0;
            minimum[optional[i]] = 0;
        }
        while (total > columns) {
            int widest = -1;
            for (int i = 0; i < widths.length; i++) {
                if (widths[i] > minimum[i] && (widest < 0 || wrapsBefore(i, widest, widths))) {
                    widest = i;
                }
            }
            if (widest < 0) {
                break;
            }
            widths[widest]--;
            total--;
        }
        return widths;
    }

    /** Units of text (words, or an option with its value) joined by spaces into lines of at most {@code width}. */
    static List<String> wrapWords(List<String> units, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String word : units) {
            if (current.length() > 0 && current.length() + 1 + word.length() > width) {
                lines.add(current.toString());
                current.setLength(0);
            } else if (current.length() > 0) {
                current.append(' ');
            }
            current.append(word);
        }
        lines.add(current.toString());
        return lines;
    }

    /** Whether column a gives up width before column b: the one that wraps first, else the wider. */
    private boolean wrapsBefore(int a, int b, int[] widths) {
        if ((a == wrapsFirst) != (b == wrapsFirst)) {
            return a == wrapsFirst;
        }
        return widths[a] > widths[b];
    }

    /** The text's lines, each wrapped to {@code width} at spaces (dropped) and after commas (kept). */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.length() <= width) {
                lines.add(line);
                continue;
            }
            StringBuilder current = new StringBuilder();
            for (String word : words(line)) {
                boolean space = word.startsWith(" ");
                String bare = space ? word.substring(1) : word;
                if (current.length() > 0 && current.length() + (space ? 1 : 0) + bare.length() > width) {
                    lines.add(current.toString());
                    current.setLength(0);
                } else if (current.length() > 0 && space) {
                    current.append(' ');
                }
                current.append(bare);
            }
            lines.add(current.toString());
        }
        return lines;
    }

    /**
     * The line's unbreakable pieces: split at spaces (a piece after a space starts with one) and
     * after commas, so "a,b c" is "a,", "b", " c".
     */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ') {
                if (i > start) {
                    words.add(line.substring(start, i));
                }
                int next = i + 1;
                while (next < line.length() && line.charAt(next) == ' ') {
                    next++;
                }
                // The run of spaces becomes one leading space of the next word.
                start = next - 1;
                i = next - 1;
            } else if (c == ',') {
                words.add(line.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < line.length() && !line.substring(start).isBlank()) {
            words.add(line.substring(start));
        }
        return words;
    }

    private static String indent(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return line.substring(0, i);
    }

    private void printLine(PrintWriter out, Terminal terminal, String[] cells, int[] widths, boolean firstLine) {
        StringBuilder text = new StringBuilder();
        int pending = 0;
        for (int i = 0; i < cells.length; i++) {
            if (widths[i] == 0) {
                continue;
            }
            if (cells[i].isEmpty()) {
                pending += widths[i] + 2;
                continue;
            }
            text.append(" ".repeat(pending));
            text.append(painted[i] && firstLine ? paint(terminal, cells[i]) : cells[i]);
            pending = widths[i] - cells[i].length() + 2;
        }
        out.println(text.toString());
    }

    private static String paint(Terminal terminal, String cell) {
        int end = cell.indexOf(' ');
        String word = end < 0 ? cell : cell.substring(0, end);
        return terminal.paint(word, Terminal.colourOf(word)) + cell.substring(word.length());
    }
}
