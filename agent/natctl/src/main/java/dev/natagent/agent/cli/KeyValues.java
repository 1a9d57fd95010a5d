package dev.natagent.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One object for people: a {@code key: value} line per field, the values aligned. A value may hold
 * several lines (one target each, say); a line wider than the terminal wraps between words and
 * after commas (see {@link TextTable#wrap}), its continuations indented deeper under the value; a
 * word too wide for that starts further left, and one wider than the terminal overflows rather
 * than breaks.
 * Painted fields colour their first word when the terminal takes colour.
 */
final class KeyValues {
    /** A continuation of a wrapped value line is indented this much deeper than the value. */
    private static final String CONTINUATION = "    ";

    private record Field(String key, String value, boolean painted) {}

    private final List<Field> fields = new ArrayList<>();

    KeyValues field(String key, String value) {
        fields.add(new Field(key, value, false));
        return this;
    }

    /** A field whose first word is a health or severity word (see {@link Terminal#colourOf}). */
    KeyValues painted(String key, String value) {
        fields.add(new Field(key, value, true));
        return this;
    }

    void print(PrintWriter out, Terminal terminal) {
        int keys = 0;
        for (Field field : fields) {
            keys = Math.max(keys, field.key().length() + 1);
        }
        String blank = " ".repeat(keys + 2);
        int width = Math.max(1, terminal.columns() - blank.length());
        for (Field field : fields) {
            String label = field.key() + ":";
            String indent = label + " ".repeat(blank.length() - label.length());
            boolean first = true;
            for (String line : field.value().split("\n", -1)) {
                List<String> wrapped = wrap(line, width);
                for (int i = 0; i < wrapped.size(); i++) {
                    String text = wrapped.get(i);
                    String lead = i == 0 ? indent : blank + CONTINUATION;
                    // A word too wide for its place starts further left rather than overflowing.
                    while (lead.isBlank() && !lead.isEmpty() && lead.length() + text.length() > terminal.columns()) {
                        lead = lead.substring(1);
                    }
                    out.println(lead + (first && field.painted() ? paint(terminal, text) : text));
                    indent = blank;
                    first = false;
                }
            }
        }
    }

    /** The line's first piece at {@code width}, the rest at the continuations' narrower width. */
    private static List<String> wrap(String line, int width) {
        List<String> pieces = TextTable.wrap(line, width);
        String head = pieces.get(0);
        if (pieces.size() == 1 || !line.startsWith(head)) {
            return pieces;
        }
        List<String> lines = new ArrayList<>();
        lines.add(head);
        lines.addAll(TextTable.wrap(
                line.substring(head.length()).stripLeading(), Math.max(1, width - CONTINUATION.length())));
        return lines;
    }

    private static String paint(Terminal terminal, String text) {
        int end = text.indexOf(' ');
        String word = end < 0 ? text : text.substring(0, end);
        return terminal.paint(word, Terminal.colourOf(word)) + text.substring(word.length());
    }
}
