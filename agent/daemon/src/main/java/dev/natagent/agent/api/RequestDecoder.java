package dev.natagent.agent.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.protocol.Op;
import java.util.Iterator;
import java.util.Set;

/**
 * Turns one request line into a {@link Request}, or a {@link DecodeFailure} carrying the error to
 * send back (with the request id when it could be read). Never throws anything else.
 */
public final class RequestDecoder {
    private static final int MAX_ID_LENGTH = 128;
    private static final Set<String> ENVELOPE_FIELDS = Set.of("v", "id", "op", "args");

    private final ObjectMapper mapper;

    public RequestDecoder(ObjectMapper mapper) {
        this.mapper = mapper;
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

    public Request decode(byte[] line, int offset, int length) throws DecodeFailure {
        JsonNode root;
        try {
            root = mapper.readTree(line, offset, length);
        } catch (StreamConstraintsException e) {
            throw failure(
                    null,
                    ErrorCode.BAD_REQUEST,
                    "request too complex: " + firstLine(e.getMessage())
                            + "; send a large state document with natctl apply (it uses apply.begin/apply.chunk)",
                    null);
        } catch (JacksonException | RuntimeException e) {
            throw failure(null, ErrorCode.BAD_REQUEST, "malformed JSON: " + firstLine(e.getMessage()), null);
        } catch (java.io.IOException e) {
            throw failure(null, ErrorCode.BAD_REQUEST, "unreadable request: " + firstLine(e.getMessage()), null);
        }
        if (root == null || root.isMissingNode()) {
            throw failure(null, ErrorCode.BAD_REQUEST, "empty request", null);
        }
        if (!root.isObject()) {
            throw failure(null, ErrorCode.BAD_REQUEST, "request must be a JSON object", null);
        }
        ObjectNode envelope = (ObjectNode) root;
        String id = readId(envelope);
        checkVersion(id, envelope.get("v"));
        rejectUnknownFields(id, envelope);
        Op op = readOp(id, envelope.get("op"));
        return new Request(id, op, readArgs(id, envelope.get("args")));
    }

    private static String readId(ObjectNode envelope) throws DecodeFailure {
        JsonNode id = envelope.get("id");
        if (id == null || id.isNull()) {
            throw failure(null, ErrorCode.BAD_REQUEST, "missing request id", "id");
        }
        if (!id.isTextual() || id.textValue().isEmpty() || id.textValue().length() > MAX_ID_LENGTH) {
            throw failure(
                    null, ErrorCode.BAD_REQUEST, "id must be a string of 1.." + MAX_ID_LENGTH + " characters", "id");
        }
        return id.textValue();
    }

    private static void checkVersion(String id, JsonNode v) throws DecodeFailure {
        if (v == null || v.isNull()) {
            throw failure(
                    id,
                    ErrorCode.BAD_REQUEST,
                    "missing protocol version v (this agent speaks v=" + AdminProtocol.VERSION + ")",
                    "v");
        }
        if (!v.isIntegralNumber()) {
            throw failure(id, ErrorCode.BAD_REQUEST, "v must be an integer", "v");
        }
        if (!v.canConvertToInt() || v.intValue() != AdminProtocol.VERSION) {
            throw failure(
                    id,
                    ErrorCode.UNSUPPORTED_VERSION,
                    "protocol version " + v.asText() + " is not supported (this agent speaks v=" + AdminProtocol.VERSION
                            + ")",
                    "v");
        }
    }

    private static void rejectUnknownFields(String id, ObjectNode envelope) throws DecodeFailure {
        for (Iterator<String> names = envelope.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ENVELOPE_FIELDS.contains(name)) {
                throw failure(
                        id,
                        ErrorCode.BAD_REQUEST,
                        "unknown request field '" + abbreviate(name) + "'",
                        abbreviate(name));
            }
        }
    }

    private static Op readOp(String id, JsonNode op) throws DecodeFailure {
        if (op == null || op.isNull()) {
            throw failure(id, ErrorCode.BAD_REQUEST, "missing op", "op");
        }
        if (!op.isTextual()) {
            throw failure(id, ErrorCode.BAD_REQUEST, "op must be a string", "op");
        }
        return Op.fromWireName(op.textValue())
                .orElseThrow(() ->
                        failure(id, ErrorCode.UNKNOWN_OP, "unknown op '" + abbreviate(op.textValue()) + "'", "op"));
    }

    private ObjectNode readArgs(String id, JsonNode args) throws DecodeFailure {
        if (args == null || args.isNull()) {
            return mapper.createObjectNode();
        }
        if (!args.isObject()) {
            throw failure(id, ErrorCode.BAD_REQUEST, "args must be a JSON object", "args");
        }
        return (ObjectNode) args;
    }

    private static DecodeFailure failure(String id, ErrorCode code, String message, String field) {
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
