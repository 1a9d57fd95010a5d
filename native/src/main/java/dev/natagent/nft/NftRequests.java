package dev.natagent.nft;

import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NlFlags;
import java.util.List;
import java.util.Optional;

/**
 * GET requests (outside batches). Dumps are answered by NEW* messages flagged NLM_F_MULTI and end
 * with NLMSG_DONE; single GETs with REQUEST|ACK by one message and an ACK. Attribute layouts are
 * nft's, so the golden captures check them byte for byte.
 */
public final class NftRequests {
    private static final int DUMP = NlFlags.REQUEST | NlFlags.DUMP;
    private static final int GET = NlFlags.REQUEST | NlFlags.ACK;

    private NftRequests() {}

    /** GETGEN: answered by NEWGEN with the current generation (for the batch GENID). */
    public static void getGeneration(MessageWriter w, int seq) {
        w.beginMessage(NftConstants.type(NftConstants.GETGEN), NlFlags.REQUEST, seq, NftConstants.NFPROTO_UNSPEC, 0);
        w.endMessage();
    }

    /** GETTABLE dump of one family. */
    public static void dumpTables(MessageWriter w, int seq, int family) {
        w.beginMessage(NftConstants.type(NftConstants.GETTABLE), DUMP, seq, family, 0);
        w.endMessage();
    }

    /** GETTABLE of one table (ENOENT if missing). */
    public static void getTable(MessageWriter w, int seq, int family, String table) {
        w.beginMessage(NftConstants.type(NftConstants.GETTABLE), GET, seq, family, 0);
        w.string(Table.NFTA_TABLE_NAME, table);
        w.endMessage();
    }

    public static void dumpChains(MessageWriter w, int seq, int family, String table) {
        w.beginMessage(NftConstants.type(NftConstants.GETCHAIN), DUMP, seq, family, 0);
        w.string(Chain.NFTA_CHAIN_TABLE, table);
        w.endMessage();
    }

    public static void dumpSets(MessageWriter w, int seq, int family, String table) {
        w.beginMessage(NftConstants.type(NftConstants.GETSET), DUMP, seq, family, 0);
        w.string(NftSet.NFTA_SET_TABLE, table);
        w.endMessage();
    }

    /** GETRULE dump of a table, or of one chain. */
    public static void dumpRules(MessageWriter w, int seq, int family, String table, Optional<String> chain) {
        w.beginMessage(NftConstants.type(NftConstants.GETRULE), DUMP, seq, family, 0);
        w.string(Rule.NFTA_RULE_TABLE, table);
        chain.ifPresent(name -> w.string(Rule.NFTA_RULE_CHAIN, name));
        w.endMessage();
    }

    /** GETSETELEM dump; the kernel requires both table and set (EINVAL otherwise). nft sends SET first. */
    public static void dumpSetElements(MessageWriter w, int seq, int family, String table, String set) {
        w.beginMessage(NftConstants.type(NftConstants.GETSETELEM), DUMP, seq, family, 0);
        w.string(SetElements.NFTA_SET_ELEM_LIST_SET, set);
        w.string(SetElements.NFTA_SET_ELEM_LIST_TABLE, table);
        w.endMessage();
    }

    /**
     * GETSETELEM of chosen elements (not a dump): the kernel answers one NEWSETELEM per key, with
     * its data and counters, then the ACK; ENOENT if any key is missing. Only the keys are sent.
     */
    public static void getSetElements(
            MessageWriter w, int seq, int family, String table, String set, List<SetElement> keys) {
        w.beginMessage(NftConstants.type(NftConstants.GETSETELEM), GET, seq, family, 0);
        w.string(SetElements.NFTA_SET_ELEM_LIST_SET, set);
        w.string(SetElements.NFTA_SET_ELEM_LIST_TABLE, table);
        int list = w.beginNest(SetElements.NFTA_SET_ELEM_LIST_ELEMENTS);
        for (int i = 0; i < keys.size(); i++) {
            keys.get(i).identity().encode(w, i + 1);
        }
        w.endNest(list);
        w.endMessage();
    }

    /** GETOBJ dump of a table's objects (all types; decode counters with {@link CounterObject}). */
    public static void dumpObjects(MessageWriter w, int seq, int family, String table) {
        w.beginMessage(NftConstants.type(NftConstants.GETOBJ), DUMP, seq, family, 0);
        w.string(CounterObject.NFTA_OBJ_TABLE, table);
        w.endMessage();
    }

    /** GETOBJ of one named counter: one NEWOBJ with its values, then the ACK. */
    public static void getCounter(MessageWriter w, int seq, int family, String table, String name) {
        counterRequest(w, NftConstants.GETOBJ, seq, family, table, name);
    }

    /** GETOBJ_RESET: returns the values from before the reset and zeroes the counter. */
    public static void resetCounter(MessageWriter w, int seq, int family, String table, String name) {
        counterRequest(w, NftConstants.GETOBJ_RESET, seq, family, table, name);
    }

    /** nft also sends an empty NFTA_OBJ_DATA nest here; kept so the capture matches byte for byte. */
    private static void counterRequest(MessageWriter w, int msg, int seq, int family, String table, String name) {
        w.beginMessage(NftConstants.type(msg), GET, seq, family, 0);
        w.string(CounterObject.NFTA_OBJ_TABLE, table)
                .string(CounterObject.NFTA_OBJ_NAME, name)
                .u32Be(CounterObject.NFTA_OBJ_TYPE, CounterObject.NFT_OBJECT_COUNTER);
        w.endNest(w.beginNest(CounterObject.NFTA_OBJ_DATA));
        w.endMessage();
    }
}
