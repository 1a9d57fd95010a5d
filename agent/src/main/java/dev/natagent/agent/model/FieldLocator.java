package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a field that an error names ({@link FieldError#field}: {@code forwards[1].snat}, {@code
 * forwards[name=redis].listen}) is in a document's text: the line and column of its value, or of
 * the nearest enclosing value the text has (a missing field is reported at its object). So an
 * error found in a parsed tree, across objects or by another reader of the same text points at
 * the same place.
 */
public final class FieldLocator {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** 1-based line and column, as editors count them. */
    public record Location(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    private final Map<String, Location> values;
    /** {@code forwards[name=redis]} -> {@code forwards[3]}, for every array entry with a string "name". */
    private final Map<String, String> byName;

    private FieldLocator(Map<String, Location> values, Map<String, String> byName) {
        this.values = values;
        this.byName = byName;
    }

    /** Reads as much of {@code json} as is well-formed; a syntax error ends the reading, not the locator. */
    public static FieldLocator of(String json) {
        Map<String, Location> values = new HashMap<>();
        Map<String, String> byName = new HashMap<>();
        try (JsonParser parser = FACTORY.createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME || token.isStructEnd()) {
                    continue;
                }
                JsonStreamContext context =
                        token.isStructStart() ? parser.getParsingContext().getParent() : parser.getParsingContext();
                String path = path(context);
                JsonLocation at = parser.currentTokenLocation();
                values.putIfAbsent(path, new Location(at.getLineNr(), at.getColumnNr()));
                if (token == JsonToken.VALUE_STRING
                        && "name".equals(context.getCurrentName())
                        && context.getParent() != null
                        && context.getParent().inArray()) {
                    String entry = path(context.getParent());
                    String array = entry.substring(0, entry.lastIndexOf('['));
                    byName.putIfAbsent(array + "[name=" + parser.getText() + "]", entry);
                }
            }
        } catch (IOException e) {
            // what was read before the syntax error is still located
        }
        return new FieldLocator(values, byName);
    }

    /** Where {@code field} is, or the closest enclosing value that is there; empty for the whole document. */
    public Optional<Location> locate(String field) {
        String path = resolveNames(field);
        while (!path.isEmpty()) {
            Location location = values.get(path);
            if (location != null) {
                return Optional.of(location);
            }
            path = parent(path);
        }
        return Optional.empty();
    }

    /** {@code forwards[name=redis].listen} -> {@code forwards[3].listen}. */
    private String resolveNames(String field) {
        int start = field.indexOf("[name=");
        while (start >= 0) {
            int end = field.indexOf(']', start);
            if (end < 0) {
                break;
            }
            String entry = byName.get(field.substring(0, end + 1));
            if (entry == null) {
                return field.substring(0, start);
            }
            field = entry + field.substring(end + 1);
            start = field.indexOf("[name=", entry.length());
        }
        return field;
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    /** The path of the value the context is at, in {@link FieldError}'s notation. */
    private static String path(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return "";
        }
        String parent = path(context.getParent());
        if (context.inArray()) {
            return parent + "[" + Math.max(0, context.getCurrentIndex()) + "]";
        }
        String name = context.getCurrentName();
        return parent.isEmpty() ? name : parent + "." + name;
    }
}
