package dev.natagent.nft;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A batch ready for one sendto: {@code bytes} (direct, native order, valid until the writer is
 * written again), the seq of BEGIN and END, and one description per command message, whose seqs
 * run consecutively from {@code beginSeq + 1} to {@code endSeq - 1}.
 */
public record EncodedBatch(ByteBuffer bytes, int beginSeq, int endSeq, List<String> descriptions) {
    public EncodedBatch {
        descriptions = List.copyOf(descriptions);
    }

    public List<Integer> commandSeqs() {
        return IntStream.range(0, descriptions.size())
                .mapToObj(i -> beginSeq + 1 + i)
                .toList();
    }

    /** The seq of the last command (the one to wait for), or BEGIN's for an empty batch. */
    public int lastCommandSeq() {
        return endSeq - 1;
    }

    /** What the command message {@code seq} did, e.g. "add element ip nat_agent forwards". */
    public Optional<String> describe(int seq) {
        int index = seq - beginSeq - 1;
        return index >= 0 && index < descriptions.size() ? Optional.of(descriptions.get(index)) : Optional.empty();
    }
}
