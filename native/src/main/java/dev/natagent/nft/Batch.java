package dev.natagent.nft;

import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NlFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * An atomic nf_tables transaction: BEGIN [GENID], commands, END, in one buffer. Objects must come
 * after what they reference (nft's order: table, chains, objects, sets, elements, rules). Flags are
 * nft's: add table REQUEST; other adds REQUEST|CREATE, rules also APPEND; create adds EXCL; deletes
 * REQUEST. Element lists longer than one nest can hold are split into several messages.
 */
public final class Batch {
    /** The elements nest's nla_len is a u16: that, not the message size, bounds one message. */
    public static final int MAX_ELEMENTS_NEST = 0xffff;
    /** Room reserved after packed elements for the commands that may follow them and BATCH_END. */
    private static final int TAIL_BYTES = 64 * 1024;

    public enum Verb {
        ADD("add"),
        /** Like ADD, but EEXIST if the object exists (NLM_F_EXCL). */
        CREATE("create"),
        DELETE("delete"),
        /** [new kernels] Like DELETE, but a missing object is not an error (DESTROY* messages, 6.3+). */
        DESTROY("destroy");

        final String word;

        Verb(String word) {
            this.word = word;
        }
    }

    /** The target is an {@link NftObject}, a {@link RuleFlush} or {@link PackedElements}. */
    private record Command(Verb verb, Object target) {}

    private final int family;
    private final List<Command> commands = new ArrayList<>();
    private boolean ackEach;
    private OptionalInt genId = OptionalInt.empty();

    /** A batch for family {@code family} (NFPROTO_IPV4 for table ip nat_agent). */
    public Batch(int family) {
        this.family = family;
    }

    public static Batch ipv4() {
        return new Batch(NftConstants.NFPROTO_IPV4);
    }

    /** Sets NLM_F_ACK on every command, so each gets a reply (size the receive buffer: ~1 KiB per ACK). */
    public Batch ackEach(boolean ack) {
        this.ackEach = ack;
        return this;
    }

    /** Makes the kernel refuse the batch with ERESTART unless the ruleset is still at {@code generation}. */
    public Batch expectGeneration(int generation) {
        this.genId = OptionalInt.of(generation);
        return this;
    }

    public Batch add(NftObject object) {
        return command(Verb.ADD, object);
    }

    public Batch create(NftObject object) {
        return command(Verb.CREATE, object);
    }

    /** Deletes by identity: names; rules by handle; elements by key (interval ends included). */
    public Batch delete(NftObject object) {
        return command(Verb.DELETE, object);
    }

    public Batch destroy(NftObject object) {
        return command(Verb.DESTROY, object);
    }

    /** Adds elements encoded beforehand (one message per run of them); nothing when there are none. */
    public Batch add(PackedElements elements) {
        if (!elements.isEmpty()) {
            commands.add(new Command(Verb.ADD, elements));
        }
        return this;
    }

    /** Deletes elements by the keys encoded beforehand (key-only elements); nothing when there are none. */
    public Batch delete(PackedElements elements) {
        if (!elements.isEmpty()) {
            commands.add(new Command(Verb.DELETE, elements));
        }
        return this;
    }

    /** Deletes every rule of a chain, or of the whole table when {@code chain} is empty. */
    public Batch flushRules(RuleFlush flush) {
        commands.add(new Command(Verb.DELETE, flush));
        return this;
    }

    public boolean isEmpty() {
        return commands.isEmpty();
    }

    private Batch command(Verb verb, NftObject object) {
        commands.add(new Command(verb, object));
        return this;
    }

    /**
     * Appends the batch to {@code w}, numbering messages from {@code firstSeq} (BEGIN); the result's
     * bytes are the batch alone, even if {@code w} held other messages before.
     */
    public EncodedBatch encode(MessageWriter w, int firstSeq) {
        int start = w.size();
        int seq = firstSeq;
        marker(w, NftConstants.BATCH_BEGIN, seq++);
        genId.ifPresent(gen -> w.u32Be(NftConstants.NFNL_BATCH_GENID, gen));
        w.endMessage();
        List<String> descriptions = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            Command command = commands.get(i);
            if (command.target() instanceof PackedElements packed) {
                if (i == 0 || !(commands.get(i - 1).target() instanceof PackedElements)) {
                    reserveForPacked(w, i);
                }
                seq = encodePacked(w, seq, command.verb(), packed, descriptions);
            } else if (command.target() instanceof RuleFlush flush) {
                w.beginMessage(NftConstants.type(NftConstants.DELRULE), flags(NlFlags.REQUEST), seq++, family, 0);
                w.string(Rule.NFTA_RULE_TABLE, flush.table());
                flush.chain().ifPresent(chain -> w.string(Rule.NFTA_RULE_CHAIN, chain));
                w.endMessage();
                descriptions.add("flush " + (flush.chain().isPresent() ? "chain " : "table ")
                        + NftConstants.familyName(family) + " " + flush.table()
                        + flush.chain().map(c -> " " + c).orElse(""));
            } else if (command.target() instanceof SetElements elements) {
                SetElements sent = isDelete(command.verb()) ? elements.identities() : elements;
                seq = encodeElements(w, seq, command.verb(), sent, descriptions);
            } else {
                NftObject object = (NftObject) command.target();
                w.beginMessage(type(command.verb(), object), flags(command.verb(), object), seq++, family, 0);
                if (isDelete(command.verb())) {
                    object.encodeDelete(w);
                } else {
                    object.encode(w);
                }
                w.endMessage();
                descriptions.add(describe(command.verb(), object));
            }
        }
        int endSeq = seq;
        marker(w, NftConstants.BATCH_END, endSeq);
        w.endMessage();
        ByteBuffer bytes = w.flip().position(start).slice().order(ByteOrder.nativeOrder());
        return new EncodedBatch(bytes, firstSeq, endSeq, descriptions);
    }

    /**
     * Makes room at once for the packed elements from command {@code from} on (and a little for
     * what follows them), so that the writer's buffer, which grows by doubling, is not doubled past
     * a batch of megabytes: every byte of a direct buffer is resident.
     */
    private void reserveForPacked(MessageWriter w, int from) {
        long bytes = TAIL_BYTES;
        for (Command command : commands.subList(from, commands.size())) {
            if (command.target() instanceof PackedElements packed) {
                bytes += packed.encodedBytes();
            }
        }
        w.reserve((int) Math.min(Integer.MAX_VALUE - w.size(), bytes));
    }

    private int encodePacked(MessageWriter w, int seq, Verb verb, PackedElements packed, List<String> descriptions) {
        NftObject.Kind kind = NftObject.Kind.ELEMENTS;
        int type = NftConstants.type(verb == Verb.DELETE ? kind.delMsg : kind.newMsg);
        int flags = flags(verb, kind);
        String description = verb.word + " " + NftObject.Kind.ELEMENTS.word + " " + NftConstants.familyName(family)
                + " " + packed.table() + " " + packed.set();
        for (ByteBuffer run : packed.runs()) {
            w.beginMessage(type, flags, seq++, family, 0);
            w.string(SetElements.NFTA_SET_ELEM_LIST_TABLE, packed.table())
                    .string(SetElements.NFTA_SET_ELEM_LIST_SET, packed.set());
            int nest = w.beginNest(SetElements.NFTA_SET_ELEM_LIST_ELEMENTS);
            w.raw(run);
            w.endNest(nest);
            w.endMessage();
            descriptions.add(description);
        }
        return seq;
    }

    /** One message per nest-full of elements; every message gets its own seq and description. */
    private int encodeElements(MessageWriter w, int seq, Verb verb, SetElements elements, List<String> descriptions) {
        List<SetElement> all = elements.elements();
        int type = type(verb, elements);
        int flags = flags(verb, elements);
        String description = describe(verb, elements);
        int next = 0;
        do {
            w.beginMessage(type, flags, seq++, family, 0);
            elements.encodeHeader(w);
            int nest = w.beginNest(SetElements.NFTA_SET_ELEM_LIST_ELEMENTS);
            int index = 1;
            while (next < all.size()) {
                int before = w.size();
                all.get(next).encode(w, index);
                if (w.size() - nest > MAX_ELEMENTS_NEST) {
                    if (index == 1) {
                        throw new IllegalArgumentException("set element larger than one message: " + all.get(next));
                    }
                    w.truncate(before);
                    break;
                }
                next++;
                index++;
            }
            w.endNest(nest);
            w.endMessage();
            descriptions.add(description);
        } while (next < all.size());
        return seq;
    }

    private void marker(MessageWriter w, int type, int seq) {
        w.beginMessage(type, NlFlags.REQUEST, seq, NftConstants.NFPROTO_UNSPEC, NftConstants.NFNL_SUBSYS_NFTABLES);
    }

    private static boolean isDelete(Verb verb) {
        return verb == Verb.DELETE || verb == Verb.DESTROY;
    }

    private static int type(Verb verb, NftObject object) {
        NftObject.Kind kind = object.kind();
        return NftConstants.type(
                switch (verb) {
                    case ADD, CREATE -> kind.newMsg;
                    case DELETE -> kind.delMsg;
                    case DESTROY -> kind.destroyMsg;
                });
    }

    private int flags(Verb verb, NftObject object) {
        return flags(verb, object.kind());
    }

    private int flags(Verb verb, NftObject.Kind kind) {
        if (isDelete(verb)) {
            return flags(NlFlags.REQUEST);
        }
        int flags = NlFlags.REQUEST;
        if (kind == NftObject.Kind.RULE) {
            flags |= NlFlags.CREATE | NlFlags.APPEND;
        } else if (kind != NftObject.Kind.TABLE) {
            flags |= NlFlags.CREATE;
        }
        if (verb == Verb.CREATE) {
            flags |= NlFlags.EXCL;
        }
        return flags(flags);
    }

    private int flags(int base) {
        return ackEach ? base | NlFlags.ACK : base;
    }

    private String describe(Verb verb, NftObject object) {
        String word = object instanceof NftSet set && set.isMap() ? "map" : object.kind().word;
        return verb.word + " " + word + " " + NftConstants.familyName(family) + " " + object.describe();
    }
}
