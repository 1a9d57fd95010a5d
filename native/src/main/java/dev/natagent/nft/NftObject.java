package dev.natagent.nft;

import dev.natagent.nl.MessageWriter;

/** An object a {@link Batch} can add, create, delete or destroy. */
public sealed interface NftObject extends NftBody permits Table, Chain, Rule, NftSet, SetElements, CounterObject {
    Kind kind();

    /** Writes the attributes of NEW (create) messages, nft's order; handles are not sent. */
    void encode(MessageWriter w);

    /** Writes the attributes that identify the object in DEL/DESTROY messages. */
    void encodeDelete(MessageWriter w);

    /** Names after the family, as nft prints them: "nat_agent prerouting". */
    String describe();

    /** Message numbers and the nft word for each object kind. */
    enum Kind {
        TABLE(NftConstants.NEWTABLE, NftConstants.DELTABLE, NftConstants.DESTROYTABLE, "table"),
        CHAIN(NftConstants.NEWCHAIN, NftConstants.DELCHAIN, NftConstants.DESTROYCHAIN, "chain"),
        RULE(NftConstants.NEWRULE, NftConstants.DELRULE, NftConstants.DESTROYRULE, "rule"),
        SET(NftConstants.NEWSET, NftConstants.DELSET, NftConstants.DESTROYSET, "set"),
        ELEMENTS(NftConstants.NEWSETELEM, NftConstants.DELSETELEM, NftConstants.DESTROYSETELEM, "element"),
        COUNTER(NftConstants.NEWOBJ, NftConstants.DELOBJ, NftConstants.DESTROYOBJ, "counter");

        public final int newMsg;
        public final int delMsg;
        public final int destroyMsg;
        public final String word;

        Kind(int newMsg, int delMsg, int destroyMsg, String word) {
            this.newMsg = newMsg;
            this.delMsg = delMsg;
            this.destroyMsg = destroyMsg;
            this.word = word;
        }
    }
}
