package dev.natagent.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Hex fixtures: whitespace and {@code //} comments are ignored, so a fixture can go field by field. */
final class Hex {
    private Hex() {}

    static ByteBuffer buffer(String... lines) {
        StringBuilder digits = new StringBuilder();
        for (String line : lines) {
            int comment = line.indexOf("//");
            digits.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s", ""));
        }
        ByteBuffer out = ByteBuffer.allocateDirect(digits.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < digits.length(); i += 2) {
            out.put((byte) Integer.parseInt(digits.substring(i, i + 2), 16));
        }
        return out.flip();
    }
}
