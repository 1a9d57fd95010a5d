package dev.natagent.agent.reconcile;

import dev.natagent.nft.Batch;
import dev.natagent.nft.Chain;
import dev.natagent.nft.EncodedBatch;
import dev.natagent.nft.Generation;
import dev.natagent.nft.NftBody;
import dev.natagent.nft.NftMessage;
import dev.natagent.nft.NftMsg;
import dev.natagent.nft.NftRequests;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkException;
import dev.natagent.nl.NetlinkSession;
import dev.natagent.nl.NlMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * {@link NftPort} over one netlink request socket. A listing is taken between two reads of the
 * ruleset generation and repeated when they differ, so its parts (chains, sets, elements, rules)
 * are one consistent snapshot; its generation lets a batch computed from it be refused (ERESTART)
 * should the ruleset change before the commit. Not thread-safe.
 */
public final class SessionNftPort implements NftPort {
    private static final int FAMILY = NftMsg.NFPROTO_IPV4;
    private static final int MAX_LISTING_ATTEMPTS = 5;

    private final NetlinkSession session;
    private final MessageWriter writer = new MessageWriter();

    public SessionNftPort(NetlinkSession session) {
        this.session = session;
    }

    @Override
    public OptionalInt portId() {
        return OptionalInt.of(session.portId());
    }

    /** The current ruleset generation. */
    public int generation() throws IOException {
        NlMessage reply = session.get(request(w -> NftRequests.getGeneration(w, 0)), "get generation");
        if (NftMessage.decode(reply).body() instanceof Generation generation) {
            return generation.genId();
        }
        throw new IOException("GETGEN answered by message type " + reply.type());
    }

    @Override
    public Optional<TableListing> list(String table) throws IOException {
        for (int attempt = 1; attempt <= MAX_LISTING_ATTEMPTS; attempt++) {
            int before = generation();
            Optional<TableListing> listing = listOnce(table, before);
            if (generation() == before) {
                return listing;
            }
        }
        throw new IOException(
                "table " + table + " kept changing while being listed (" + MAX_LISTING_ATTEMPTS + " attempts)");
    }

    private Optional<TableListing> listOnce(String name, int generation) throws IOException {
        Table table;
        try {
            table = (Table) body(session.get(request(w -> NftRequests.getTable(w, 0, FAMILY, name)), "get table"));
        } catch (NetlinkException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
        List<Chain> chains = dump(w -> NftRequests.dumpChains(w, 0, FAMILY, name), "list chains", Chain.class);
        List<NftSet> sets = dump(w -> NftRequests.dumpSets(w, 0, FAMILY, name), "list sets", NftSet.class);
        Map<String, List<SetElement>> elements = new LinkedHashMap<>();
        for (NftSet set : sets) {
            elements.put(set.name(), listElements(name, set.name()));
        }
        List<Rule> rules =
                dump(w -> NftRequests.dumpRules(w, 0, FAMILY, name, Optional.empty()), "list rules", Rule.class);
        return Optional.of(new TableListing(generation, table, chains, sets, elements, rules));
    }

    @Override
    public List<SetElement> listElements(String table, String set) throws IOException {
        List<SetElement> elements = new ArrayList<>();
        for (SetElements part : dump(
                w -> NftRequests.dumpSetElements(w, 0, FAMILY, table, set),
                "list elements of " + set,
                SetElements.class)) {
            elements.addAll(part.elements());
        }
        return elements;
    }

    @Override
    public void commit(Batch batch) throws IOException {
        writer.reset();
        int first = session.reserveSeq(1);
        EncodedBatch encoded = batch.ackEach(true).encode(writer, first);
        session.reserveSeq(encoded.endSeq() - first);
        session.commit(encoded.bytes(), seq -> encoded.describe(seq).orElse("batch seq " + seq));
    }

    private <T> List<T> dump(Consumer<MessageWriter> request, String description, Class<T> type) throws IOException {
        List<T> objects = new ArrayList<>();
        for (NlMessage message : session.dump(request(request), description)) {
            NftBody body = body(message);
            if (type.isInstance(body)) {
                objects.add(type.cast(body));
            }
        }
        return objects;
    }

    private static NftBody body(NlMessage message) throws IOException {
        return NftMessage.decode(message).body();
    }

    /** A fresh request buffer (the session stamps seq and flags into it). */
    private static java.nio.ByteBuffer request(Consumer<MessageWriter> encoder) {
        MessageWriter w = new MessageWriter(256);
        encoder.accept(w);
        return w.flip();
    }
}
