package dev.natagent.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.CharTypes;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes one JSON string value into a generator as its text arrives, so that a document of
 * megabytes is never held as one String. The escaping is the generator's own for
 * {@code writeString}: the standard escapes below U+0080 (its table), every surrogate as
 * {@code \}{@code uXXXX}, any other character as it is (UTF-8 on the wire).
 */
final class JsonStringWriter extends Writer {
    private static final int[] ESCAPES = CharTypes.get7BitOutputEscapes();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** Escaped text waiting to go to the generator; one escape is at most six characters. */
    private static final int BUFFER = 8192;

    private final JsonGenerator json;
    private final char[] buffer = new char[BUFFER];
    private int used;
    private boolean closed;

    /** Starts the string value (after a field name, or as an array element). */
    JsonStringWriter(JsonGenerator json) throws IOException {
        this.json = json;
        json.writeRawValue("\"");
    }

    @Override
    public void write(char[] text, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            put(text[i]);
        }
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            put(text.charAt(i));
        }
    }

    @Override
    public void write(int c) throws IOException {
        put((char) c);
    }

    private void put(char c) throws IOException {
        if (used > BUFFER - 6) {
            flush();
        }
        if (c < ESCAPES.length) {
            int escape = ESCAPES[c];
            if (escape == 0) {
                buffer[used++] = c;
            } else if (escape > 0) {
                buffer[used++] = '\\';
                buffer[used++] = (char) escape;
            } else {
                unicodeEscape(c);
            }
        } else if (Character.isSurrogate(c)) {
            unicodeEscape(c);
        } else {
            buffer[used++] = c;
        }
    }

    private void unicodeEscape(char c) {
        buffer[used++] = '\\';
        buffer[used++] = 'u';
        buffer[used++] = HEX[(c >> 12) & 0xF];
        buffer[used++] = HEX[(c >> 8) & 0xF];
        buffer[used++] = HEX[(c >> 4) & 0xF];
        buffer[used++] = HEX[c & 0xF];
    }

    /** Hands the escaped text so far to the generator (which buffers and writes it on). */
    @Override
    public void flush() throws IOException {
        json.writeRaw(buffer, 0, used);
        used = 0;
    }

    /** Ends the string value; the generator stays open. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            flush();
            json.writeRaw('"');
        }
    }
}
