package dev.natagent.nl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class MessageWriterTest {
    private static void writeMessages(MessageWriter writer, int count) {
        for (int seq = 0; seq < count; seq++) {
            writer.beginMessage(0x0a00, 0, seq, 2, 0).u32Be(1, seq).endMessage();
        }
    }

    @Test
    void resetAndShrinkDropsAGrownBufferAndKeepsHandedOutBytes() {
        MessageWriter writer = new MessageWriter(256);
        writeMessages(writer, 1000);
        ByteBuffer sent = writer.flip();
        int grown = writer.capacity();
        assertTrue(grown > 16 * 1024, "grew to hold the batch: " + grown);
        byte[] before = new byte[sent.remaining()];
        sent.duplicate().get(before);

        writer.resetAndShrink(4096);

        assertEquals(256, writer.capacity(), "back to the initial capacity");
        byte[] after = new byte[sent.remaining()];
        sent.duplicate().get(after);
        assertEquals(ByteBuffer.wrap(before), ByteBuffer.wrap(after), "the flipped batch is still intact");
        writeMessages(writer, 1);
        assertEquals(28, writer.flip().remaining(), "writes start from the beginning again");
    }

    @Test
    void resetAndShrinkKeepsABufferWithinTheBound() {
        MessageWriter writer = new MessageWriter(256);
        writeMessages(writer, 100);
        int capacity = writer.capacity();
        writer.resetAndShrink(capacity);
        assertEquals(capacity, writer.capacity());
        assertEquals(0, writer.flip().remaining());
    }

    @Test
    void aReusableWriterKeepsEveryByteAcrossGrowthsAndGoesBackToItsFirstBuffer() {
        MessageWriter plain = new MessageWriter(256);
        MessageWriter reusable = MessageWriter.reusable(256);
        for (int round = 0; round < 3; round++) {
            plain.reset();
            writeMessages(plain, 2000);
            writeMessages(plain, 3000);
            writeMessages(reusable, 2000);
            reusable.reserve(3000 * 28);
            int reserved = reusable.capacity();
            writeMessages(reusable, 3000);

            assertEquals(reserved, reusable.capacity(), "the reservation held the rest");
            assertEquals(ByteBuffer.wrap(plain.toByteArray()), ByteBuffer.wrap(reusable.toByteArray()));
            reusable.resetAndShrink(4096);
            assertEquals(256, reusable.capacity());
            assertEquals(0, reusable.flip().remaining());
        }
    }
}
