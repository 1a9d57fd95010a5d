package dev.natagent.nft.client;

import dev.natagent.nft.Batch;
import dev.natagent.nft.Chain;
import dev.natagent.nft.CounterObject;
import dev.natagent.nft.EncodedBatch;
import dev.natagent.nft.Generation;
import dev.natagent.nft.NftBody;
import dev.natagent.nft.NftConstants;
import dev.natagent.nft.NftMessage;
import dev.natagent.nft.NftRequests;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nl.DumpReader;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NetlinkException;
import dev.natagent.nl.NetlinkSession;
import dev.natagent.nl.NetlinkSocket;
import dev.natagent.nl.NetlinkTransport;
import dev.natagent.nl.NlMessage;
import dev.natagent.nl.OutcomeUnknownException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed nf_tables operations over one request socket: atomic transactions and listings, for one
 * family (ip for table {@code ip nat_agent}). Listings decode into the same records a {@link Batch}
 * takes. Not thread-safe: one thread (or a lock) owns a client; keep it open, as every socket close
 * waits for the kernel's cleanup.
 */
public final class NftClient implements Closeable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final int KEYS_PER_GET = 256;

    private final NetlinkSession session;
    private final int family;
    /** Room for the batches of everyday changes; a larger one's buffer is dropped after its commit. */
    private static final int BATCH_BUFFER_BYTES = 64 * 1024;

    private final MessageWriter batchWriter = MessageWriter.reusable(BATCH_BUFFER_BYTES);

    public NftClient(NetlinkTransport transport, int family, Duration timeout) {
        this.session = new NetlinkSession(transport, timeout);
        this.family = family;
    }

    /** A client for family ip on a new request socket in the calling thread's network namespace. */
    public static NftClient openIpv4() throws IOException {
        return new NftClient(NetlinkSocket.openRequestSocket(), NftConstants.NFPROTO_IPV4, DEFAULT_TIMEOUT);
    }

    public int family() {
        return family;
    }

    /**
     * Commits {@code batch} as one atomic transaction in one sendto. Every command is flagged
     * NLM_F_ACK (the batch is changed accordingly) and every reply is read.
     *
     * @return the messages the kernel echoed, decoded (none unless commands asked for NLM_F_ECHO)
     * @throws NetlinkException the kernel refused it (first error, with the command's description);
     *     nothing was committed
     * @throws OutcomeUnknownException replies were lost: re-read the state before deciding
     */
    public List<NftMessage> commit(Batch batch) throws IOException {
        if (batch.isEmpty()) {
            return List.of();
        }
        try {
            EncodedBatch encoded = encode(batch.ackEach(true));
            List<NftMessage> echoes = new ArrayList<>();
            for (NlMessage echo :
                    session.commit(encoded.bytes(), seq -> encoded.describe(seq).orElse("batch seq " + seq))) {
                echoes.add(NftMessage.decode(echo));
            }
            return echoes;
        } finally {
            batchWriter.resetAndShrink(BATCH_BUFFER_BYTES);
        }
    }

    /** The current ruleset generation (for {@link Batch#expectGeneration}). */
    public Generation generation() throws IOException {
        return body(get("get generation", (w, seq) -> NftRequests.getGeneration(w, seq)), Generation.class);
    }

    public List<Table> listTables() throws IOException {
        return dump("list tables", (w, seq) -> NftRequests.dumpTables(w, seq, family), Table.class);
    }

    public List<Chain> listChains(String table) throws IOException {
        return dump("list chains of " + table, (w, seq) -> NftRequests.dumpChains(w, seq, family, table), Chain.class);
    }

    /** Every rule of the table, in each chain's order, with handles. */
    public List<Rule> listRules(String table) throws IOException {
        return dump(
                "list rules of " + table,
                (w, seq) -> NftRequests.dumpRules(w, seq, family, table, Optional.empty()),
                Rule.class);
    }

    public List<Rule> listRules(String table, String chain) throws IOException {
        return dump(
                "list rules of " + table + " " + chain,
                (w, seq) -> NftRequests.dumpRules(w, seq, family, table, Optional.of(chain)),
                Rule.class);
    }

    public List<NftSet> listSets(String table) throws IOException {
        return dump("list sets of " + table, (w, seq) -> NftRequests.dumpSets(w, seq, family, table), NftSet.class);
    }

    /** The elements of a set or map, as the kernel lists them (interval ends included). */
    public List<SetElement> listElements(String table, String set) throws IOException {
        List<SetElement> elements = new ArrayList<>();
        forEachElement(table, set, new ElementReader() {
            @Override
            public void accept(SetElement element) {
                elements.add(element);
            }

            @Override
            public void restart() {
                elements.clear();
            }
        });
        return elements;
    }

    /**
     * As {@link #listElements}, each element handed to {@code reader} as its datagram arrives and
     * is decoded: neither the decoded set, which for a map of 50,000 elements is megabytes, nor the
     * dump's messages are ever held whole.
     */
    public void forEachElement(String table, String set, ElementReader reader) throws IOException {
        session.dump(
                encodeRequest((w, seq) -> NftRequests.dumpSetElements(w, seq, family, table, set), 0),
                "list elements of " + table + " " + set,
                new DumpReader() {
                    @Override
                    public void accept(NlMessage message) throws IOException {
                        body(message, SetElements.class).elements().forEach(reader::accept);
                    }

                    @Override
                    public void restart() {
                        reader.restart();
                    }
                });
    }

    /**
     * The elements of a set or map with the given keys, as the kernel holds them (data and
     * counters): O(keys), where {@link #listElements} reads the whole set.
     *
     * @throws NetlinkException ENOENT when a key (or the set) is missing
     */
    public List<SetElement> getElements(String table, String set, List<SetElement> keys) throws IOException {
        List<SetElement> elements = new ArrayList<>(keys.size());
        // Each key's answer is its own message; in slices, so the answers fit the receive buffer.
        for (int from = 0; from < keys.size(); from += KEYS_PER_GET) {
            List<SetElement> slice = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_GET));
            ByteBuffer request =
                    encodeRequest((w, seq) -> NftRequests.getSetElements(w, seq, family, table, set, slice), 0);
            for (NlMessage message : session.getAll(request, "get elements of " + table + " " + set)) {
                elements.addAll(body(message, SetElements.class).elements());
            }
        }
        return elements;
    }

    /** The named counters of the table, with their values. */
    public List<CounterObject> listObjects(String table) throws IOException {
        return dump(
                "list counters of " + table,
                (w, seq) -> NftRequests.dumpObjects(w, seq, family, table),
                CounterObject.class);
    }

    /** Reads and zeroes one named counter; returns the values from before the reset. */
    public CounterObject resetCounter(String table, String name) throws IOException {
        return body(
                get(
                        "reset counter " + table + " " + name,
                        (w, seq) -> NftRequests.resetCounter(w, seq, family, table, name)),
                CounterObject.class);
    }

    /** Reads and zeroes every named counter of the table; returns the values from before. */
    public List<CounterObject> resetCounters(String table) throws IOException {
        return dump(
                "reset counters of " + table,
                // The kernel answers GETOBJ_RESET as a dump like GETOBJ: same request, other type.
                (w, seq) -> NftRequests.dumpObjects(w, seq, family, table),
                CounterObject.class,
                NftConstants.type(NftConstants.GETOBJ_RESET));
    }

    @Override
    public void close() throws IOException {
        session.close();
    }

    /** Encodes with seqs reserved from the socket; re-encodes in the rare case the seqs wrapped. */
    private EncodedBatch encode(Batch batch) {
        batchWriter.reset();
        int first = session.reserveSeq(1);
        EncodedBatch encoded = batch.encode(batchWriter, first);
        int rest = encoded.endSeq() - first;
        if (session.reserveSeq(rest) == first + 1) {
            return encoded;
        }
        batchWriter.reset();
        return batch.encode(batchWriter, session.reserveSeq(rest + 1));
    }

    private <T extends NftBody> List<T> dump(String description, RequestEncoder request, Class<T> type)
            throws IOException {
        return dump(description, request, type, 0);
    }

    /** {@code overrideType}, when non-zero, replaces the request's nlmsg_type. */
    private <T extends NftBody> List<T> dump(
            String description, RequestEncoder request, Class<T> type, int overrideType) throws IOException {
        ByteBuffer bytes = encodeRequest(request, overrideType);
        List<T> out = new ArrayList<>();
        for (NlMessage message : session.dump(bytes, description)) {
            out.add(body(message, type));
        }
        return out;
    }

    private NlMessage get(String description, RequestEncoder request) throws IOException {
        return session.get(encodeRequest(request, 0), description);
    }

    private static ByteBuffer encodeRequest(RequestEncoder request, int overrideType) {
        MessageWriter w = new MessageWriter(256);
        request.encode(w, 0); // the session stamps the seq
        ByteBuffer bytes = w.flip();
        if (overrideType != 0) {
            bytes.putShort(4, (short) overrideType);
        }
        return bytes;
    }

    private static <T extends NftBody> T body(NlMessage message, Class<T> type) throws NetlinkDecodeException {
        NftBody body = NftMessage.decode(message).body();
        if (!type.isInstance(body)) {
            throw new NetlinkDecodeException(
                    message.offset(),
                    "expected " + type.getSimpleName() + ", got "
                            + body.getClass().getSimpleName());
        }
        return type.cast(body);
    }

    @FunctionalInterface
    private interface RequestEncoder {
        void encode(MessageWriter w, int seq);
    }
}
