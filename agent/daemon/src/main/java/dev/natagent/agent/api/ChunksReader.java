package dev.natagent.agent.api;

import java.io.Reader;
import java.util.Iterator;
import java.util.List;

/**
 * The pieces of an upload read in order as one text. Joining them first would copy a large
 * document (megabytes) into one more array, only for the parser to copy it again into its buffer.
 */
final class ChunksReader extends Reader {
    private final Iterator<String> chunks;
    private String chunk = "";
    private int position;

    ChunksReader(List<String> chunks) {
        this.chunks = chunks.iterator();
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        while (position == chunk.length()) {
            if (!chunks.hasNext()) {
                return -1;
            }
            chunk = chunks.next();
            position = 0;
        }
        int count = Math.min(length, chunk.length() - position);
        chunk.getChars(position, position + count, buffer, offset);
        position += count;
        return count;
    }

    @Override
    public void close() {
        // Nothing to release: the pieces are plain strings.
    }
}
