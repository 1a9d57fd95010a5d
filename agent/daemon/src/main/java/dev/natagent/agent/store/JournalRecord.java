package dev.natagent.agent.store;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.JsonIn;
import dev.natagent.agent.model.JsonWriting;
import dev.natagent.agent.model.StateChange;
import dev.natagent.agent.model.ValidationException;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One journal line: the changes of one acknowledged revision, with a checksum so that a record
 * torn by a crash is recognised. Layout (one line, '\n'-terminated):
 *
 * <pre>{"revision":43,"changes":[{"op":"put_forward","forward":{...}}],"crc32c":"1a2b3c4d"}</pre>
 *
 * The CRC32C covers every byte before {@code ,"crc32c":}, so it is checked on the raw bytes and
 * does not depend on how JSON is re-serialised.
 */
record JournalRecord(long revision, List<StateChange> changes) {
    private static final byte[] CRC_KEY = ",\"crc32c\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECORD_START = "{\"revision\":".getBytes(StandardCharsets.US_ASCII);
    /** {@code ,"crc32c":"} + 8 hex digits + {@code "}} */
    private static final int SUFFIX_LENGTH = CRC_KEY.length + 8 + 2;

    JournalRecord {
        changes = List.copyOf(changes);
    }

    /** The record as one line including its terminating newline. */
    byte[] toLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            writeTo(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toByteArray();
    }

    /**
     * Streams the line to {@code out} (left open), checksumming as it goes: the changes of a cold
     * apply are megabytes of JSON, better not built, copied and copied again on the heap.
     *
     * @return the bytes written
     */
    long writeTo(OutputStream out) throws IOException {
        Checksummed prefix = new Checksummed(out);
        prefix.write(("{\"revision\":" + revision + ",\"changes\":").getBytes(StandardCharsets.US_ASCII));
        try (JsonGenerator json = JsonWriting.generator(prefix)) {
            StateChange.writeAll(changes, json);
        }
        byte[] tail =
                (",\"crc32c\":\"" + hex((int) prefix.crc.getValue()) + "\"}\n").getBytes(StandardCharsets.US_ASCII);
        out.write(tail);
        return prefix.count + tail.length;
    }

    /** Passes bytes on, counting them and updating the CRC32C of everything before the checksum. */
    private static final class Checksummed extends FilterOutputStream {
        final CRC32C crc = new CRC32C();
        long count;

        Checksummed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            crc.update(b, off, len);
            count += len;
        }
    }

    /** Whether bytes [start, end) begin as every record does ({@code {"revision":} and a digit). */
    static boolean startsLikeARecord(byte[] bytes, int start, int end) {
        byte[] head = RECORD_START;
        if (end - start <= head.length || !Arrays.equals(bytes, start, start + head.length, head, 0, head.length)) {
            return false;
        }
        byte first = bytes[start + head.length];
        return first >= '0' && first <= '9';
    }

    /** Decodes one line (without its newline); throws with the reason when it is damaged. */
    static JournalRecord parse(byte[] line) throws IOException {
        int prefixLength = line.length - SUFFIX_LENGTH;
        if (prefixLength <= 0
                || !Arrays.equals(line, prefixLength, prefixLength + CRC_KEY.length, CRC_KEY, 0, CRC_KEY.length)
                || line[line.length - 2] != '"'
                || line[line.length - 1] != '}') {
            throw new IOException("record does not end with its checksum");
        }
        String stored = new String(line, prefixLength + CRC_KEY.length, 8, StandardCharsets.US_ASCII);
        if (!stored.equals(hex(crc(line, prefixLength)))) {
            throw new IOException("checksum mismatch");
        }
        try {
            return JsonIn.read(line, JournalRecord::read);
        } catch (ValidationException e) {
            throw new IOException("record content is invalid: " + e.getMessage(), e);
        }
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private static String hex(int value) {
        return HexFormat.of().toHexDigits(value);
    }

    private static final JsonIn.Fields FIELDS = new JsonIn.Fields("revision", "changes", "crc32c");

    /** Reads the record's JSON object; its checksum was verified on the raw bytes already. */
    private static JournalRecord read(JsonIn in) throws IOException {
        in.startObject();
        Long revision = null;
        List<StateChange> changes = null;
        String crc32c = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            switch (field) {
                case 0 -> revision = in.longInteger();
                case 1 -> changes = in.list(StateChange::read, "an array");
                default -> crc32c = in.string();
            }
        }
        if (revision == null || changes == null || crc32c == null) {
            String missing = revision == null ? "revision" : changes == null ? "changes" : "crc32c";
            throw in.placed(new ValidationException(missing, ErrorCode.MISSING_FIELD, missing + " is required"));
        }
        return new JournalRecord(revision, changes);
    }
}
