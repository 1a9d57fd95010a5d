package dev.natagent.agent.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each value of a JSON document starts, by field path, so that an error found after parsing
 * (by the validator, which sees only the model) can still name a line and column of the file. Paths
 * are the model's: {@code forwards[1].listen}, or by name, {@code forwards[name=redis].listen}; a
 * path that does not reach a value (a missing key) gives the position of the nearest enclosing one.
 */
final class JsonPositions {
    /** Where a value starts: 1-based line and column. */
    record Position(int line, int column) {}

    private final Map<String, Position> byPointer = new HashMap<>();
    private final Map<String, String> strings = new HashMap<>();

    private JsonPositions() {}

    /** The positions of {@code json}'s values, as far as it parses (none when it does not at all). */
    static JsonPositions of(byte[] json) {
        JsonPositions positions = new JsonPositions();
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME || token.isStructEnd()) {
                    continue;
                }
                // For a start token this is the new object or array, which has its parent's path.
                String pointer = parser.getParsingContext().pathAsPointer().toString();
                JsonLocation at = parser.currentTokenLocation();
                positions.byPointer.putIfAbsent(pointer, new Position(at.getLineNr(), at.getColumnNr()));
                if (token == JsonToken.VALUE_STRING) {
                    positions.strings.put(pointer, parser.getText());
                }
            }
        } catch (IOException e) {
            // A document that stops parsing keeps the positions read so far.
        }
        return positions;
    }

    /** Where the value at {@code field} (a model field path) starts, or its nearest enclosing value. */
    Optional<Position> of(String field) {
        String pointer = pointer(field);
        while (pointer != null) {
            Position position = byPointer.get(pointer);
            if (position != null && !pointer.isEmpty()) {
                return Optional.of(position);
            }
            pointer = pointer.isEmpty() ? null : pointer.substring(0, pointer.lastIndexOf('/'));
        }
        return Optional.empty();
    }

    /** {@code forwards[name=redis].listen} as a JSON pointer such as {@code /forwards/3/listen}. */
    private String pointer(String field) {
        StringBuilder pointer = new StringBuilder();
        int i = 0;
        while (i < field.length()) {
            char c = field.charAt(i);
            if (c == '.') {
                i++;
            } else if (c == '[') {
                int end = field.indexOf(']', i);
                if (end < 0) {
                    break;
                }
                String inner = field.substring(i + 1, end);
                String key = inner.startsWith("name=") ? indexOf(pointer.toString(), inner.substring(5)) : inner;
                pointer.append('/').append(key);
                i = end + 1;
            } else {
                int end = i;
                while (end < field.length() && field.charAt(end) != '.' && field.charAt(end) != '[') {
                    end++;
                }
                pointer.append('/').append(field, i, end);
                i = end;
            }
        }
        return pointer.toString();
    }

    /** The index of the entry of the array at {@code array} whose "name" is {@code name}. */
    private String indexOf(String array, String name) {
        for (int index = 0; byPointer.containsKey(array + "/" + index); index++) {
            if (name.equals(strings.get(array + "/" + index + "/name"))) {
                return Integer.toString(index);
            }
        }
        return "-";
    }
}
