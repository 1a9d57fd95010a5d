package dev.natagent.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
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
        int[] widths = Arrays.stream(headers).mapToInt(String::length).toArray();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                for (String line : row[i].split("\n", -1)) {
                    widths[i] = Math.max(widths[i], line.length());
                }
            }
        }
        printLine(out, headers, widths);
        for (String[] row : rows) {
            String[][] lines =
                    Arrays.stream(row).map(cell -> cell.split("\n", -1)).toArray(String[][]::new);
            int height =
                    Arrays.stream(lines).mapToInt(cell -> cell.length).max().orElse(1);
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
