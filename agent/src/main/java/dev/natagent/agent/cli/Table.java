package dev.natagent.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain left-aligned text table; a cell may hold several lines (e.g. one target per line). */
final class Table {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers.clone();
    }

    Table row(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("expected " + headers.length + " cells, got " + cells.length);
        }
        rows.add(cells.clone());
        return this;
    }

    void print(PrintWriter out) {
        // Loops, not streams: natctl prints one table per run, and streams cost start-up time.
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                for (String line : row[i].split("\n", -1)) {
                    widths[i] = Math.max(widths[i], line.length());
                }
            }
        }
        printLine(out, headers, widths);
        for (String[] row : rows) {
            String[][] lines = new String[row.length][];
            int height = 1;
            for (int i = 0; i < row.length; i++) {
                lines[i] = row[i].split("\n", -1);
                height = Math.max(height, lines[i].length);
            }
            for (int line = 0; line < height; line++) {
                String[] cells = new String[row.length];
                for (int i = 0; i < row.length; i++) {
                    cells[i] = line < lines[i].length ? lines[i][line] : "";
                }
                printLine(out, cells, widths);
            }
        }
    }

    private static void printLine(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            text.append(cells[i]);
            if (i < cells.length - 1) {
                text.append(" ".repeat(widths[i] - cells[i].length() + 2));
            }
        }
        out.println(text.toString().stripTrailing());
    }
}
