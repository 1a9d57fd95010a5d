package dev.natagent.agent.reconcile;

import java.util.ArrayList;
import java.util.List;

/** The element lines of one set in {@link NftText}'s form, joined with newlines. */
final class NftTextLines {
    private NftTextLines() {}

    static String elements(Ruleset ruleset, String set) {
        String text = NftText.table(KernelLayout.TABLE, List.of(), ruleset.sets(), ruleset.elements(), List.of());
        List<String> lines = new ArrayList<>();
        boolean inSet = false;
        boolean inElements = false;
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.endsWith(" " + set + " {")) {
                inSet = true;
            } else if (inSet && trimmed.equals("elements = {")) {
                inElements = true;
            } else if (inElements && trimmed.equals("}")) {
                break;
            } else if (inElements) {
                lines.add(trimmed);
            }
        }
        return String.join("\n", lines);
    }
}
