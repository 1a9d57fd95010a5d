package dev.natagent.agent.api;

import dev.natagent.agent.model.StateDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An apply result whose diff lists names only ({@code "diff":"names"}): what natctl prints. A
 * 50,000-forward apply answers with a few hundred KB instead of echoing the whole ~5 MB document.
 *
 * <pre>{"applied":true,"generation":N,"diff":{"forwards":{"added":["a",...],"removed":[...],
 *  "changed":[...]},"outbounds":{...same...},"settings":false,"empty":false}}</pre>
 */
public record ApplyNames(boolean applied, long generation, Diff diff) {
    /** Names per kind; {@code settings} says whether the settings change. */
    public record Diff(Section forwards, Section outbounds, boolean settings, boolean empty) {}

    /** Names added, removed and changed, each list in name order. */
    public record Section(List<String> added, List<String> removed, List<String> changed) {
        static <T> Section of(StateDiff.Section<T> section, Function<T, String> name) {
            List<String> changed = new ArrayList<>(section.changed().size());
            section.changed().forEach(c -> changed.add(name.apply(c.after())));
            return new Section(
                    section.added().stream().map(name).toList(),
                    section.removed().stream().map(name).toList(),
                    changed);
        }
    }

    public static ApplyNames of(ApplyResult result) {
        StateDiff diff = result.diff();
        return new ApplyNames(
                result.applied(),
                result.generation(),
                new Diff(
                        Section.of(diff.forwards(), f -> f.name()),
                        Section.of(diff.outbounds(), o -> o.name()),
                        diff.settings() != null,
                        diff.isEmpty()));
    }
}
