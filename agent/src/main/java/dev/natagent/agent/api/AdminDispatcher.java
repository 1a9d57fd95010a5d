package dev.natagent.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.natagent.agent.model.FieldError;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.ValidationException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** Binds each op's arguments, calls {@link AdminOperations} and turns the answer into a result object. */
public final class AdminDispatcher implements RequestHandler {
    /** Model codes that are API codes of their own; every other model code is VALIDATION. */
    private static final Map<dev.natagent.agent.model.ErrorCode, ErrorCode> SPECIFIC_CODES = Map.of(
            dev.natagent.agent.model.ErrorCode.PORT_IN_USE, ErrorCode.PORT_IN_USE,
            dev.natagent.agent.model.ErrorCode.NAME_TAKEN, ErrorCode.NAME_TAKEN,
            dev.natagent.agent.model.ErrorCode.SSH_PORT_FORWARD, ErrorCode.SSH_PORT_FORWARD,
            dev.natagent.agent.model.ErrorCode.NOT_FOUND, ErrorCode.NOT_FOUND);

    private final AdminOperations operations;
    private final ObjectMapper mapper = ModelJson.mapper();

    public AdminDispatcher(AdminOperations operations) {
        this.operations = operations;
    }

    @Override
    public JsonNode handle(Request request, Peer peer) {
        try {
            return dispatch(request);
        } catch (ValidationException e) {
            throw toAdminException(e);
        }
    }

    private JsonNode dispatch(Request request) {
        return switch (request.op()) {
            case STATUS -> tree(noArgs(request, operations::status));
            case FORWARD_ADD -> {
                Args args = Args.of(request, "forward", "force");
                Forward forward = args.requiredModel("forward", Forward.class);
                yield tree(operations.addForward(forward, args.optionalBoolean("force")));
            }
            case FORWARD_REMOVE -> tree(operations.removeForward(name(request)));
            case FORWARD_LIST -> listOf("forwards", noArgs(request, operations::listForwards));
            case FORWARD_GET -> tree(operations.getForward(name(request)));
            case OUTBOUND_ADD -> tree(
                    operations.addOutbound(Args.of(request, "outbound").requiredModel("outbound", Outbound.class)));
            case OUTBOUND_REMOVE -> tree(operations.removeOutbound(name(request)));
            case OUTBOUND_LIST -> listOf("outbounds", noArgs(request, operations::listOutbounds));
            case APPLY -> {
                Args args = Args.of(request, "state", "dry_run");
                NatState state = args.requiredModel("state", NatState.class);
                yield tree(operations.apply(state, args.optionalBoolean("dry_run")));
            }
            case EXPORT -> document(
                    operations.export(format(request, ExportFormat::fromWireName, "json, nft, iptables")));
            case METRICS -> document(
                    operations.metrics(format(request, MetricsFormat::fromWireName, "json, prometheus")));
            case DOCTOR -> listOf("findings", noArgs(request, operations::doctor));
            case RELOAD -> tree(noArgs(request, operations::reload));
        };
    }

    private static <T> T noArgs(Request request, Supplier<T> call) {
        Args.of(request);
        return call.get();
    }

    private static String name(Request request) {
        return Args.of(request, "name").requiredString("name");
    }

    private static <F> F format(Request request, Function<String, Optional<F>> parse, String choices) {
        String text = Args.of(request, "format").optionalString("format", "json");
        return parse.apply(text)
                .orElseThrow(() -> new AdminException(
                        ErrorCode.BAD_REQUEST,
                        "unknown format '" + RequestDecoder.abbreviate(text) + "' (choose " + choices + ")",
                        "args.format"));
    }

    /**
     * Results stay objects until the response is written: at 50,000 forwards a JSON tree of a
     * list or a diff takes ~1 KB per forward (tens of MB) and would expand the heap for good.
     */
    private JsonNode tree(Object value) {
        if (value instanceof JsonNode node) {
            return node;
        }
        return mapper.getNodeFactory().pojoNode(value);
    }

    private JsonNode listOf(String key, Object list) {
        ObjectNode result = mapper.createObjectNode();
        result.putPOJO(key, list);
        return result;
    }

    /**
     * JSON documents are embedded as objects so clients need not parse a string inside JSON. The
     * text is the agent's own serialisation, so it goes into the response as it is, not re-parsed.
     */
    private JsonNode document(TextDocument document) {
        ObjectNode result = mapper.createObjectNode();
        result.put("format", document.format());
        if ("json".equals(document.format())) {
            result.putRawValue("content", new RawValue(document.content()));
        } else {
            result.put("content", document.content());
        }
        return result;
    }

    static AdminException toAdminException(ValidationException e) {
        FieldError first = e.first();
        ErrorCode code = SPECIFIC_CODES.getOrDefault(first.code(), ErrorCode.VALIDATION);
        var details = e.errors().stream()
                .map(error ->
                        new AdminException.Detail(error.field(), error.code().name(), error.message()))
                .toList();
        return new AdminException(code, first.message(), first.field().isEmpty() ? null : first.field(), details, e);
    }
}
