package dev.natagent.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.ModelJson;
import java.util.Iterator;
import java.util.Set;

/** Typed access to a request's {@code args}, with BAD_REQUEST naming the argument on any mismatch. */
final class Args {
    private final ObjectNode args;

    private Args(ObjectNode args) {
        this.args = args;
    }

    /** Accepts only the named keys: a misspelt argument is an error, not silently ignored. */
    static Args of(Request request, String... allowed) {
        Set<String> known = Set.of(allowed);
        for (Iterator<String> names = request.args().fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                String hint = known.isEmpty() ? "takes no arguments" : "takes " + String.join(", ", allowed);
                throw badRequest(
                        "args." + RequestDecoder.abbreviate(name),
                        "unknown argument '" + RequestDecoder.abbreviate(name) + "': "
                                + request.op().wireName() + " " + hint);
            }
        }
        return new Args(request.args());
    }

    String requiredString(String name) {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            throw badRequest("args." + name, "missing argument '" + name + "'");
        }
        if (!value.isTextual()) {
            throw badRequest("args." + name, "argument '" + name + "' must be a string");
        }
        return value.textValue();
    }

    String optionalString(String name, String fallback) {
        JsonNode value = args.get(name);
        return value == null || value.isNull() ? fallback : requiredString(name);
    }

    /** A non-negative integer, e.g. a sequence number. */
    long requiredCount(String name) {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            throw badRequest("args." + name, "missing argument '" + name + "'");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw badRequest("args." + name, "argument '" + name + "' must be a non-negative integer");
        }
        return value.longValue();
    }

    /** As {@link #requiredCount}, or -1 when the argument is absent. */
    long optionalCount(String name) {
        JsonNode value = args.get(name);
        return value == null || value.isNull() ? -1 : requiredCount(name);
    }

    boolean optionalBoolean(String name) {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw badRequest("args." + name, "argument '" + name + "' must be true or false");
        }
        return value.booleanValue();
    }

    /** Converts a required object argument to a model type; its own errors keep their field paths. */
    <T> T requiredModel(String name, Class<T> type) {
        JsonNode value = args.get(name);
        if (value == null || value.isNull()) {
            throw badRequest("args." + name, "missing argument '" + name + "'");
        }
        if (!value.isObject()) {
            throw badRequest("args." + name, "argument '" + name + "' must be a JSON object");
        }
        return ModelJson.fromTree(value, type);
    }

    private static AdminException badRequest(String field, String message) {
        return new AdminException(ErrorCode.BAD_REQUEST, message, field);
    }
}
