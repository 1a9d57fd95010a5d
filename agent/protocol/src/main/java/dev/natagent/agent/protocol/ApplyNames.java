package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import dev.natagent.agent.model.StateDiff;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An apply result whose diff lists names only ({@code "diff":"names"}): what natctl prints. A
 * large apply answers with the names alone, a fraction of the document it would otherwise echo.
 *
 * <pre>{"applied":true,"revision":N,"diff":{"forwards":{"added":["a",...],"removed":[...],
 *  "changed":[...],"changes":{"a":"to 10.0.1.230:6379 -> 10.0.1.240:6379",...}},
 *  "outbounds":{...same...},"settings":false,"empty":false}}</pre> (and {@code "clusters":{...same...}}
 * when a cluster changes)
 */
public record ApplyNames(boolean applied, long revision, Diff diff) implements JsonWritable {
    @Override
    public void write(JsonGenerator out) throws IOException {
        ApplyResult.write(out, applied, revision, diff);
    }

    /** Names per kind; {@code settings} says whether the settings change; {@code clusters} only when one does. */
    public record Diff(Section forwards, Section outbounds, boolean settings, boolean empty, Section clusters)
            implements JsonWritable {
        /** {@code clusters} only when a cluster changes. */
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            JsonWriting.object(out, "forwards", forwards);
            JsonWriting.object(out, "outbounds", outbounds);
            out.writeBooleanField("settings", settings);
            out.writeBooleanField("empty", empty);
            JsonWriting.optionalObject(out, "clusters", clusters);
            out.writeEndObject();
        }

        static Diff read(ReplyFields diff) {
            ReplyFields clusters = diff.optionalObject("clusters");
            return new Diff(
                    Section.read(diff.object("forwards")),
                    Section.read(diff.object("outbounds")),
                    diff.flag("settings"),
                    diff.flag("empty"),
                    clusters == null ? null : Section.read(clusters));
        }
    }

    /**
     * Names added, removed and changed, each list in name order; {@code changes} says per changed
     * name which fields change and how (what a person reads in a dry run).
     */
    public record Section(List<String> added, List<String> removed, List<String> changed, Map<String, String> changes)
            implements JsonWritable {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            JsonWriting.texts(out, "added", added);
            JsonWriting.texts(out, "removed", removed);
            JsonWriting.texts(out, "changed", changed);
            out.writeObjectFieldStart("changes");
            for (Map.Entry<String, String> change : changes.entrySet()) {
                out.writeStringField(change.getKey(), change.getValue());
            }
            out.writeEndObject();
            out.writeEndObject();
        }

        static Section read(ReplyFields section) {
            List<String> changed = section.texts("changed");
            Map<String, String> changes = section.textMembers("changes");
            for (String name : changed) {
                if (!changes.containsKey(name)) {
                    throw new MalformedReplyException(
                            section.what() + ": changed '" + name + "' has no entry in 'changes'");
                }
            }
            return new Section(section.texts("added"), section.texts("removed"), changed, changes);
        }

        static <T> Section of(
                StateDiff.Section<T> section, Function<T, String> name, BiFunction<T, T, String> describe) {
            List<String> changed = new ArrayList<>(section.changed().size());
            Map<String, String> changes = new LinkedHashMap<>();
            for (StateDiff.Changed<T> c : section.changed()) {
                changed.add(name.apply(c.after()));
                changes.put(name.apply(c.after()), describe.apply(c.before(), c.after()));
            }
            return new Section(
                    section.added().stream().map(name).toList(),
                    section.removed().stream().map(name).toList(),
                    changed,
                    changes);
        }
    }

    /**
     * The record from an apply (or apply.commit) reply made with {@code "diff":"names"}; a field it
     * lacks is an error (see {@link ReplyFields}).
     */
    public static ApplyNames read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "apply reply");
        return new ApplyNames(fields.flag("applied"), fields.number("revision"), Diff.read(fields.object("diff")));
    }

    public static ApplyNames of(ApplyResult result) {
        StateDiff diff = result.diff();
        return new ApplyNames(
                result.applied(),
                result.revision(),
                new Diff(
                        Section.of(diff.forwards(), f -> f.name(), StateDiff::describeChange),
                        Section.of(diff.outbounds(), o -> o.name(), StateDiff::describeChange),
                        diff.settings() != null,
                        diff.isEmpty(),
                        diff.clusters() == null
                                ? null
                                : Section.of(diff.clusters(), c -> c.name(), StateDiff::describeChange)));
    }
}
