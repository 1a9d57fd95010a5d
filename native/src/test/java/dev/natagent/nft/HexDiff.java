package dev.natagent.nft;

import java.util.HexFormat;

/** A side-by-side hex dump of two buffers, 16 bytes a line, mismatching lines marked with '!'. */
final class HexDiff {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private HexDiff() {}

    static String sideBySide(byte[] expected, byte[] actual) {
        StringBuilder out = new StringBuilder(String.format(
                "expected %d bytes, actual %d bytes%n       %-47s | %-47s%n",
                expected.length, actual.length, "expected", "actual"));
        int lines = (Math.max(expected.length, actual.length) + 15) / 16;
        for (int line = 0; line < lines; line++) {
            String left = chunk(expected, line * 16);
            String right = chunk(actual, line * 16);
            out.append(
                    String.format("%s %04x %-47s | %-47s%n", left.equals(right) ? " " : "!", line * 16, left, right));
        }
        return out.toString();
    }

    private static String chunk(byte[] bytes, int from) {
        if (from >= bytes.length) {
            return "";
        }
        return HEX.formatHex(bytes, from, Math.min(bytes.length, from + 16));
    }
}
