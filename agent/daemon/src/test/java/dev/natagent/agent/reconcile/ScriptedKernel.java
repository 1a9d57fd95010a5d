package dev.natagent.agent.reconcile;

import dev.natagent.nft.Batch;
import dev.natagent.nft.Chain;
import dev.natagent.nft.Generation;
import dev.natagent.nft.NftConstants;
import dev.natagent.nft.NftMessage;
import dev.natagent.nft.NftObject;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.RuleFlush;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NlFlags;
import dev.natagent.nl.NlMessage;
import dev.natagent.testing.NlReplies;
import dev.natagent.testing.ScriptedTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The in-memory {@link FakeKernel} behind the netlink transport seam: a {@link ScriptedTransport}
 * whose committed batches are replayed into the fake, and whose generation and dumps (tables,
 * chains, sets, elements, rules, with handles and element counters) are answered from the fake.
 * So the real NftClient, ClientNftPort and Reconciler run over the wire format, with the
 * transport's fault injection (refusals, lost replies, ENOBUFS, truncated dumps), against a kernel
 * that keeps state. Foreign changes are made on {@link #kernel} directly.
 */
final class ScriptedKernel {
    final ScriptedTransport transport = new ScriptedTransport();
    final FakeKernel kernel = new FakeKernel();
    private int replayed;

    ScriptedKernel() {
        transport.onGet(NftConstants.type(NftConstants.GETGEN), request -> {
            int generation = synced().generation();
            return new MessageWriter()
                    .beginMessage(NftConstants.type(NftConstants.NEWGEN), 0, 0, 0, generation & 0xffff)
                    .u32Be(Generation.NFTA_GEN_ID, generation)
                    .u32Be(Generation.NFTA_GEN_PROC_PID, 1)
                    .string(Generation.NFTA_GEN_PROC_NAME, "nft")
                    .endMessage()
                    .flip();
        });
        transport.onDump(NftConstants.type(NftConstants.GETTABLE), request -> listing()
                .map(l -> List.of(withHandle(
                        message(NftConstants.NEWTABLE, l.table()),
                        Table.NFTA_TABLE_HANDLE,
                        l.table().handle())))
                .orElse(List.of()));
        transport.onDump(NftConstants.type(NftConstants.GETCHAIN), request -> listing()
                .map(l -> l.chains().stream()
                        .map(c -> withHandle(message(NftConstants.NEWCHAIN, c), Chain.NFTA_CHAIN_HANDLE, c.handle()))
                        .toList())
                .orElse(List.of()));
        transport.onDump(NftConstants.type(NftConstants.GETSET), request -> listing()
                .map(l -> l.sets().stream()
                        .map(s -> withHandle(message(NftConstants.NEWSET, s), NftSet.NFTA_SET_HANDLE, s.handle()))
                        .toList())
                .orElse(List.of()));
        transport.onDump(NftConstants.type(NftConstants.GETRULE), request -> listing()
                .map(l -> l.rules().stream()
                        .map(r -> withHandle(message(NftConstants.NEWRULE, r), Rule.NFTA_RULE_HANDLE, r.handle()))
                        .toList())
                .orElse(List.of()));
        transport.onDump(NftConstants.type(NftConstants.GETSETELEM), request -> {
            String set = setOf(request);
            return listing()
                    .map(l -> List.of(message(
                            NftConstants.NEWSETELEM,
                            SetElements.of(KernelLayout.TABLE, set, l.elements().get(set)))))
                    .orElse(List.of());
        });
    }

    /** The fake after every batch the transport committed so far has been applied to it. */
    FakeKernel synced() {
        List<List<NlMessage>> committed = transport.committed();
        try {
            for (; replayed < committed.size(); replayed++) {
                kernel.commit(batchOf(committed.get(replayed)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a batch the transport committed does not apply to the fake", e);
        }
        return kernel;
    }

    /** The agent's table as text, after replaying what was committed. */
    String dump() {
        return synced().dump(KernelLayout.TABLE);
    }

    private Optional<TableListing> listing() {
        return synced().list(KernelLayout.TABLE, Set.of()).table();
    }

    /** The committed commands as a batch again (same verbs and flags), for the fake to apply. */
    private static Batch batchOf(List<NlMessage> commands) throws IOException {
        Batch batch = Batch.ipv4();
        for (NlMessage command : commands) {
            NftMessage message = NftMessage.decode(command);
            if (message.body() instanceof RuleFlush flush) {
                batch.flushRules(flush);
            } else if (message.isDelete()) {
                batch.delete((NftObject) message.body());
            } else if ((command.flags() & NlFlags.EXCL) != 0) {
                batch.create((NftObject) message.body());
            } else {
                batch.add((NftObject) message.body());
            }
        }
        return batch;
    }

    private static String setOf(NlMessage request) {
        try {
            return request.attrs().string(SetElements.NFTA_SET_ELEM_LIST_SET, "NFTA_SET_ELEM_LIST_SET");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer message(int msg, NftObject object) {
        MessageWriter w = new MessageWriter();
        w.beginMessage(NftConstants.type(msg), 0, 0, NftConstants.NFPROTO_IPV4, 0);
        object.encode(w);
        return w.endMessage().flip();
    }

    private static ByteBuffer withHandle(ByteBuffer message, int attr, long handle) {
        return NlReplies.appendU64(message, attr, handle);
    }
}
