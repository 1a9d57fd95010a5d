package dev.natagent.nft;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Elements to add to one set, encoded as they are added: until its batch is written, a change of
 * tens of thousands of elements holds their netlink bytes (tens of bytes each) rather than an
 * object graph several times that size. The bytes are kept in runs of whole elements, each run
 * small enough for one message's elements nest; {@link Batch#add(PackedElements)} writes one
 * NEWSETELEM message per run. Not thread-safe.
 */
public final class PackedElements {
    /** What one run may hold: the elements nest's own header comes on top. */
    static final int RUN_BYTES = Batch.MAX_ELEMENTS_NEST - 4;

    private static final int FIRST_RUN_BYTES = 256;

    private final String table;
    private final String set;
    private final MessageWriter scratch = new MessageWriter(FIRST_RUN_BYTES);
    private final List<byte[]> runs = new ArrayList<>();
    private final List<Integer> runLengths = new ArrayList<>();
    private byte[] run;
    private int runLength;
    private int runElements;
    private int count;
    private long bytes;

    public PackedElements(String table, String set) {
        this.table = table;
        this.set = set;
    }

    public String table() {
        return table;
    }

    public String set() {
        return set;
    }

    /** Elements added so far. */
    public int size() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Encodes {@code element} and keeps its bytes. */
    public PackedElements add(SetElement element) {
        scratch.reset();
        element.encode(scratch, runElements + 1);
        ByteBuffer encoded = scratch.flip();
        if (encoded.remaining() > RUN_BYTES) {
            throw new IllegalArgumentException("set element larger than one message: " + element);
        }
        if (run == null || runLength + encoded.remaining() > RUN_BYTES) {
            if (run != null) {
                closeRun();
                // Numbered from 1 again: it opens a message of its own.
                scratch.reset();
                element.encode(scratch, 1);
                encoded = scratch.flip();
            }
            run = new byte[FIRST_RUN_BYTES];
        }
        if (runLength + encoded.remaining() > run.length) {
            byte[] grown = new byte[Math.min(RUN_BYTES, Math.max(run.length * 2, runLength + encoded.remaining()))];
            System.arraycopy(run, 0, grown, 0, runLength);
            run = grown;
        }
        int length = encoded.remaining();
        encoded.get(run, runLength, length);
        runLength += length;
        runElements++;
        count++;
        bytes += length;
        return this;
    }

    /** The runs of encoded elements, each the body of one message's elements nest. */
    List<ByteBuffer> runs() {
        List<ByteBuffer> all = new ArrayList<>(runs.size() + 1);
        for (int i = 0; i < runs.size(); i++) {
            all.add(ByteBuffer.wrap(runs.get(i), 0, runLengths.get(i)));
        }
        if (runElements > 0) {
            all.add(ByteBuffer.wrap(run, 0, runLength));
        }
        return all;
    }

    /** The bytes {@link Batch} writes for these elements, message headers included. */
    long encodedBytes() {
        // Per message: nlmsghdr, nfgenmsg, the table and set names (NUL-terminated, padded), the nest header.
        int perMessage =
                MessageWriter.NLMSG_HDRLEN + MessageWriter.NFGENMSG_LEN + nameAttribute(table) + nameAttribute(set) + 4;
        return bytes + (long) (runs.size() + (runElements > 0 ? 1 : 0)) * perMessage;
    }

    private static int nameAttribute(String name) {
        return Attrs.align4(4 + name.getBytes(StandardCharsets.UTF_8).length + 1);
    }

    private void closeRun() {
        runs.add(run);
        runLengths.add(runLength);
        run = null;
        runLength = 0;
        runElements = 0;
    }
}
