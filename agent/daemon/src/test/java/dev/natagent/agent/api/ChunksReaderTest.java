package dev.natagent.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunksReaderTest {
    @Test
    void readsThePiecesInOrderAcrossEveryBoundary() throws IOException {
        List<String> pieces = List.of("{\"forwards\"", "", ":[", "é", "]}", "");
        for (int bufferSize = 1; bufferSize <= 12; bufferSize++) {
            assertEquals(String.join("", pieces), drain(new ChunksReader(pieces), bufferSize), "buffer " + bufferSize);
        }
    }

    @Test
    void noPiecesIsAnEmptyText() throws IOException {
        Reader reader = new ChunksReader(List.of("", ""));
        assertEquals(-1, reader.read(new char[4], 0, 4));
        assertEquals(0, reader.read(new char[4], 0, 0));
    }

    private static String drain(Reader reader, int bufferSize) throws IOException {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[bufferSize + 2];
        for (int n; (n = reader.read(buffer, 1, bufferSize)) != -1; ) {
            text.append(buffer, 1, n);
        }
        return text.toString();
    }
}
