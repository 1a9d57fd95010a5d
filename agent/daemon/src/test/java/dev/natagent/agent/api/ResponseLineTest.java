package dev.natagent.agent.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResponseLineTest {

    @Test
    void aSmallAnswerIsOneChunkOfItsOwnSize() throws Exception {
        ResponseLine line = ResponseLine.write(out -> out.write("{\"ok\":true}".getBytes(StandardCharsets.UTF_8)));
        List<byte[]> chunks = line.chunks();
        assertEquals(1, chunks.size());
        assertEquals("{\"ok\":true}\n", new String(chunks.get(0), StandardCharsets.UTF_8));
        assertEquals(12, line.length());
    }

    @Test
    void aBigAnswerKeepsEveryByteInOrderInBoundedChunks() throws Exception {
        Random random = new Random(7);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ResponseLine line = ResponseLine.write(out -> {
            // Single bytes and slices of every size, across many chunk boundaries.
            for (int written = 0; written < 600_000; ) {
                if (random.nextInt(4) == 0) {
                    int b = random.nextInt(256);
                    out.write(b);
                    expected.write(b);
                    written++;
                } else {
                    byte[] slice = new byte[random.nextInt(100_000)];
                    random.nextBytes(slice);
                    int offset = slice.length == 0 ? 0 : random.nextInt(slice.length);
                    out.write(slice, offset, slice.length - offset);
                    expected.write(slice, offset, slice.length - offset);
                    written += slice.length - offset;
                }
            }
        });
        expected.write('\n');

        assertArrayEquals(expected.toByteArray(), line.toByteArray());
        assertEquals(expected.size(), line.length());
        ByteArrayOutputStream rejoined = new ByteArrayOutputStream();
        for (byte[] chunk : line.chunks()) {
            assertTrue(chunk.length > 0 && chunk.length <= ResponseStream.MAX_CHUNK, "chunk of " + chunk.length);
            rejoined.write(chunk);
        }
        assertArrayEquals(expected.toByteArray(), rejoined.toByteArray());
    }
}
