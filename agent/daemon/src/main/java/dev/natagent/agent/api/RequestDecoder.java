package dev.natagent.agent.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.protocol.Op;
import java.io.IOException;

/**
 * Turns one request line into a {@link Request}, or a {@link DecodeFailure} carrying the error to
 * send back (with the request id when it could be read). Never throws anything else.
 *
 * <p>One pass over the line's tokens checks all of its syntax (a duplicate key anywhere included)
 * and keeps the envelope's {@code v}, {@code id} and {@code op}, in any order, and each argument
 * as {@link Args} holds it: a scalar's value, an object's or array's place in the line, read by
 * the op's own reader once the op asks for it.
 */
public final class RequestDecoder {
    private static final int MAX_ID_LENGTH = 128;

    private final JsonFactory json;

    /** A decoder that refuses lines of more than {@code maxTokens} JSON tokens. */
    public RequestDecoder(long maxTokens) {
        this.json = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .streamReadConstraints(
                        StreamReadConstraints.builder().maxTokenCount(maxTokens).build())
                .build();
    }

    /** A line that is not a usable request, with what to answer. */
    public static final class DecodeFailure extends Exception {
        private final String id;
        private final AdminException error;

        DecodeFailure(String id, AdminException error) {
            super(error.getMessage(), null, false, false);
            this.id = id;
            this.error = error;
        }

        /** The request id if the envelope had a readable one, else null. */
        public String id() {
            return id;
        }

        public AdminException error() {
            return error;
        }
    }

    /** The envelope's members as the line has them, before any is checked. */
    private static final class Envelope {
        JsonToken v;
        String vText;
        JsonToken id;
        String idText;
        JsonToken op;
        String opText;
        JsonToken argsToken;
        Args args;
        String unknown;
    }

    public Request decode(byte[] line, int offset, int length) throws DecodeFailure {
        Envelope envelope;
        try (JsonParser parser = json.createParser(line, offset, length)) {
            envelope = scan(parser, line, offset);
        } catch (StreamConstraintsException e) {
            throw failure(
                    null,
                    ErrorCode.BAD_REQUEST,
                    "request too complex: " + firstLine(e.getMessage())
                            + "; send a large state document with natctl apply (it uses apply.begin/apply.chunk)",
                    null);
        } catch (JacksonException e) {
            throw failure(null, ErrorCode.BAD_REQUEST, "malformed JSON: " + firstLine(e.getMessage()), null);
        } catch (IOException | RuntimeException e) {
            throw failure(null, ErrorCode.BAD_REQUEST, "unreadable request: " + firstLine(e.getMessage()), null);
        }
        if (envelope == null) {
            throw failure(null, ErrorCode.BAD_REQUEST, "empty request", null);
        }
        String id = readId(envelope);
        checkVersion(id, envelope);
        if (envelope.unknown != null) {
            String name = abbreviate(envelope.unknown);
            throw failure(id, ErrorCode.BAD_REQUEST, "unknown request field '" + name + "'", name);
        }
        Op op = readOp(id, envelope);
        if (envelope.argsToken != null
                && envelope.argsToken != JsonToken.VALUE_NULL
                && envelope.argsToken != JsonToken.START_OBJECT) {
            throw failure(id, ErrorCode.BAD_REQUEST, "args must be a JSON object", "args");
        }
        return new Request(id, op, envelope.args == null ? Args.NONE : envelope.args);
    }

    /** Reads the whole line; null when it holds no value, an envelope without members when no object. */
    private static Envelope scan(JsonParser parser, byte[] line, int offset) throws IOException, DecodeFailure {
        JsonToken root = parser.nextToken();
        if (root == null) {
            return null;
        }
        Envelope envelope = new Envelope();
        if (root != JsonToken.START_OBJECT) {
            parser.skipChildren();
            endOfLine(parser);
            throw failure(null, ErrorCode.BAD_REQUEST, "request must be a JSON object", null);
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "v" -> {
                    envelope.v = value;
                    envelope.vText = value.isScalarValue() ? parser.getText() : null;
                }
                case "id" -> {
                    envelope.id = value;
                    envelope.idText = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                case "op" -> {
                    envelope.op = value;
                    envelope.opText = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                case "args" -> {
                    envelope.argsToken = value;
                    if (value == JsonToken.START_OBJECT) {
                        envelope.args = Args.read(parser, line, offset);
                    }
                }
                default -> {
                    if (envelope.unknown == null) {
                        envelope.unknown = name;
                    }
                }
            }
            parser.skipChildren();
        }
        endOfLine(parser);
        return envelope;
    }

    /** Nothing but white space may follow the request's object. */
    private static void endOfLine(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new JsonParseException(
                    parser, "Trailing token (of type " + parser.currentToken() + ") found after value");
        }
    }

    private static String readId(Envelope envelope) throws DecodeFailure {
        if (envelope.id == null || envelope.id == JsonToken.VALUE_NULL) {
            throw failure(null, ErrorCode.BAD_REQUEST, "missing request id", "id");
        }
        String id = envelope.idText;
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw failure(
                    null, ErrorCode.BAD_REQUEST, "id must be a string of 1.." + MAX_ID_LENGTH + " characters", "id");
        }
        return id;
    }

    private static void checkVersion(String id, Envelope envelope) throws DecodeFailure {
        if (envelope.v == null || envelope.v == JsonToken.VALUE_NULL) {
            throw failure(
                    id,
                    ErrorCode.BAD_REQUEST,
                    "missing protocol version v (this agent speaks v=" + AdminProtocol.VERSION + ")",
                    "v");
        }
        if (envelope.v != JsonToken.VALUE_NUMBER_INT) {
            throw failure(id, ErrorCode.BAD_REQUEST, "v must be an integer", "v");
        }
        if (!envelope.vText.equals(Integer.toString(AdminProtocol.VERSION))) {
            throw failure(
                    id,
                    ErrorCode.UNSUPPORTED_VERSION,
                    "protocol version " + abbreviate(envelope.vText) + " is not supported (this agent speaks v="
                            + AdminProtocol.VERSION + ")",
                    "v");
        }
    }

    private static Op readOp(String id, Envelope envelope) throws DecodeFailure {
        if (envelope.op == null || envelope.op == JsonToken.VALUE_NULL) {
            throw failure(id, ErrorCode.BAD_REQUEST, "missing op", "op");
        }
        if (envelope.opText == null) {
            throw failure(id, ErrorCode.BAD_REQUEST, "op must be a string", "op");
        }
        return Op.fromWireName(envelope.opText)
                .orElseThrow(() ->
                        failure(id, ErrorCode.UNKNOWN_OP, "unknown op '" + abbreviate(envelope.opText) + "'", "op"));
    }

    static DecodeFailure failure(String id, ErrorCode code, String message, String field) {
        return new DecodeFailure(id, new AdminException(code, message, field));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable";
        }
        int newline = message.indexOf('\n');
        return abbreviate(newline < 0 ? message : message.substring(0, newline));
    }

    /** Keeps echoed client input short, so an error about a huge value is not itself huge. */
    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
