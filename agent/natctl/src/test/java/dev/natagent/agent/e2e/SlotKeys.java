package dev.natagent.agent.e2e;

import io.lettuce.core.cluster.SlotHash;
import java.util.ArrayList;
import java.util.List;

/** One key for each of the 16,384 hash slots: "{t}NAME" where the hash tag t falls into that slot. */
final class SlotKeys {
    static final int SLOTS = SlotHash.SLOT_COUNT;
    private static final String[] TAGS = tags();

    private SlotKeys() {}

    /** Keys named {@code name}, the i-th in slot i. */
    static List<String> named(String name) {
        List<String> keys = new ArrayList<>(SLOTS);
        for (String tag : TAGS) {
            keys.add("{" + tag + "}" + name);
        }
        return keys;
    }

    private static String[] tags() {
        String[] tags = new String[SLOTS];
        int found = 0;
        for (int n = 0; found < SLOTS; n++) {
            String tag = Integer.toString(n, 36);
            int slot = SlotHash.getSlot(tag);
            if (tags[slot] == null) {
                tags[slot] = tag;
                found++;
            }
        }
        return tags;
    }
}
