package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each value of a JSON document starts, by field path, so that an error found after parsing
 * (by the validator, which sees only the model) can still name a line and column of the file. Paths
 * are the model's: {@code forwards[1].listen}, or by name, {@code forwards[name=redis].listen}; a
 * path that does not reach a value (a missing key) gives the position of the nearest enclosing one.
 * The daemon's config file errors and natctl's apply errors both place and word errors here, so
 * the same file gets the same FILE:LINE:COLUMN, field and message from either.
 */
public final class JsonPositions {
    /** How {@link ModelJson}'s errors carry the position the parser was at. */
    private static final Pattern POSITION_IN_MESSAGE = Pattern.compile(" \\(line (\\d+), column (\\d+)\\)");

    /** Where a value starts: 1-based line and column. */
    public record Position(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    private final Map<String, Position> byPointer = new HashMap<>();
    private final Map<String, String> strings = new HashMap<>();

    private JsonPositions() {}

    /** The positions of {@code json}'s values, as far as it parses (none when it does not at all). */
    public static JsonPositions of(byte[] json) {
        try {
            return read(new JsonFactory().createParser(json));
        } catch (IOException e) {
            return new JsonPositions();
        }
    }

    public static JsonPositions of(String json) {
        try {
            return read(new JsonFactory().createParser(json));
        } catch (IOException e) {
            return new JsonPositions();
        }
    }

    private static JsonPositions read(JsonParser json) {
        JsonPositions positions = new JsonPositions();
        try (JsonParser parser = json) {
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

    /**
     * Where {@code error} is: for malformed JSON where the parser stopped; for anything else where
     * the value it names starts (a constructor's check runs when the parser has moved on), falling
     * back to the parser's position when the field is not in the text.
     */
    public Optional<Position> locate(FieldError error) {
        Matcher at = POSITION_IN_MESSAGE.matcher(error.message());
        Optional<Position> parser = at.find()
                ? Optional.of(new Position(Integer.parseInt(at.group(1)), Integer.parseInt(at.group(2))))
                : Optional.empty();
        if (error.code() == ErrorCode.MALFORMED_JSON && parser.isPresent()) {
            return parser;
        }
        Optional<Position> field = error.field().isEmpty() ? Optional.<Position>empty() : position(error.field());
        return field.isPresent() ? field : parser;
    }

    /** One error as an operator reads it: {@code FILE:LINE:COLUMN: FIELD: MESSAGE [CODE]}. */
    public String describe(String file, FieldError error) {
        String where = locate(error).map(p -> ":" + p).orElse("");
        String message = POSITION_IN_MESSAGE.matcher(error.message()).replaceAll("");
        return file + where + ": " + (error.field().isEmpty() ? "" : error.field() + ": ") + message + " ["
                + error.code() + "]";
    }

    /** Where the value at {@code field} (a model field path) starts, or its nearest enclosing value. */
    public Optional<Position> position(String field) {
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
