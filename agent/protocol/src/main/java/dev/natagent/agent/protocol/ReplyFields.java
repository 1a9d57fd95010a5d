package dev.natagent.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Strict reading of a reply's fields into the records the agent writes: a missing field, or one of
 * another JSON type, is a {@link MalformedReplyException} naming it, never a default.
 */
public final class ReplyFields {
    private final JsonNode object;
    private final String what;

    private ReplyFields(JsonNode object, String what) {
        this.object = object;
        this.what = what;
    }

    /** The fields of {@code object}, the reply (or part of one) called {@code what} in errors. */
    public static ReplyFields of(JsonNode object, String what) {
        if (object == null || !object.isObject()) {
            throw new MalformedReplyException(what + " is not a JSON object");
        }
        return new ReplyFields(object, what);
    }

    /** What these fields are the fields of, as errors name it, e.g. {@code apply reply.diff.forwards}. */
    String what() {
        return what;
    }

    private JsonNode field(String name) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            throw missing(name);
        }
        return value;
    }

    private MalformedReplyException missing(String name) {
        return new MalformedReplyException(what + " has no '" + name + "'");
    }

    private MalformedReplyException wrongType(String name, String expected) {
        return new MalformedReplyException(what + ": '" + name + "' is not " + expected);
    }

    public String text(String name) {
        JsonNode value = field(name);
        if (!value.isTextual()) {
            throw wrongType(name, "a string");
        }
        return value.textValue();
    }

    /** The string {@code name}, which the reply has but may be null (a field the agent always writes). */
    public String nullableText(String name) {
        if (!object.has(name)) {
            throw missing(name);
        }
        return optionalText(name);
    }

    /** The string {@code name}, or null when the reply leaves it out (or null): for fields the agent omits when null. */
    public String optionalText(String name) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(name, "a string");
        }
        return value.textValue();
    }

    /** The one of {@code values} whose wire name (its name in lower case) the string {@code name} is. */
    public <E extends Enum<E>> E choice(String name, E[] values) {
        String wire = text(name);
        List<String> known = new ArrayList<>(values.length);
        for (E value : values) {
            String valueWire = value.name().toLowerCase(Locale.ROOT);
            if (valueWire.equals(wire)) {
                return value;
            }
            known.add(valueWire);
        }
        throw wrongType(name, "one of " + String.join(", ", known) + " (it is '" + wire + "')");
    }

    public long number(String name) {
        JsonNode value = field(name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrongType(name, "an integer");
        }
        return value.longValue();
    }

    public int count(String name) {
        JsonNode value = field(name);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrongType(name, "an integer");
        }
        return value.intValue();
    }

    /** The integer {@code name}, or null when the reply leaves it out (or null). */
    public Integer optionalCount(String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? null : count(name);
    }

    public boolean flag(String name) {
        JsonNode value = field(name);
        if (!value.isBoolean()) {
            throw wrongType(name, "true or false");
        }
        return value.booleanValue();
    }

    public List<String> texts(String name) {
        JsonNode value = field(name);
        if (!value.isArray()) {
            throw wrongType(name, "an array");
        }
        List<String> texts = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw wrongType(name, "an array of strings");
            }
            texts.add(item.textValue());
        }
        return texts;
    }

    /** The string members of the object {@code name}, by member name, in the reply's order. */
    public Map<String, String> textMembers(String name) {
        JsonNode value = field(name);
        if (!value.isObject()) {
            throw wrongType(name, "an object");
        }
        Map<String, String> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : value.properties()) {
            if (!member.getValue().isTextual()) {
                throw wrongType(name, "an object of strings");
            }
            members.put(member.getKey(), member.getValue().textValue());
        }
        return members;
    }

    /** The fields of the object {@code name}. */
    public ReplyFields object(String name) {
        return of(field(name), what + "." + name);
    }

    /** The fields of each object of the array {@code name}. */
    public List<ReplyFields> objects(String name) {
        JsonNode value = field(name);
        if (!value.isArray()) {
            throw wrongType(name, "an array");
        }
        List<ReplyFields> objects = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            objects.add(of(value.get(i), what + "." + name + "[" + i + "]"));
        }
        return objects;
    }

    /** The fields of each object of the array {@code name}; none when the reply leaves it out (or null). */
    public List<ReplyFields> optionalObjects(String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? List.of() : objects(name);
    }

    /** The fields of each member of the object {@code name}, by member name, in the reply's order. */
    public Map<String, ReplyFields> members(String name) {
        JsonNode value = field(name);
        if (!value.isObject()) {
            throw wrongType(name, "an object");
        }
        Map<String, ReplyFields> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : value.properties()) {
            members.put(member.getKey(), of(member.getValue(), what + "." + name + "[\"" + member.getKey() + "\"]"));
        }
        return members;
    }

    /** The fields of the object {@code name}, or null when the reply leaves it out (or null). */
    public ReplyFields optionalObject(String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? null : of(value, what + "." + name);
    }
}
