package dev.natagent.agent.api;

import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.FieldError;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ForwardEdit;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.ApplyNames;
import dev.natagent.agent.protocol.ApplyResult;
import dev.natagent.agent.protocol.ClusterView;
import dev.natagent.agent.protocol.ExportFormat;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.MetricsFormat;
import dev.natagent.agent.protocol.OutboundView;
import dev.natagent.agent.protocol.ReplyError;
import dev.natagent.agent.protocol.UploadBegun;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/** Binds each op's arguments, calls {@link AdminOperations} and turns the answer into a result object. */
public final class AdminDispatcher implements RequestHandler {
    private final AdminOperations operations;
    private final Uploads uploads;

    public AdminDispatcher(AdminOperations operations) {
        this(operations, new Uploads());
    }

    AdminDispatcher(AdminOperations operations, Uploads uploads) {
        this.operations = operations;
        this.uploads = uploads;
    }

    @Override
    public JsonWritable handle(Request request, ClientSession session) {
        try {
            return dispatch(request, session);
        } catch (ValidationException e) {
            throw toAdminException(e);
        }
    }

    /** The DNS names of the targets a forward.add, forward.set or inline apply brings, looked up before it is queued. */
    @Override
    public void prepare(Request request) {
        Args args = request.args();
        List<Target> targets =
                switch (request.op()) {
                    case CLUSTER_REFRESH -> {
                        args.string("name").ifPresent(operations::pollClusterNow);
                        yield List.of();
                    }
                    case FORWARD_ADD -> args.model("forward", Forward.class)
                            .map(Forward::targets)
                            .orElse(List.of());
                    case FORWARD_SET -> args.model("set", ForwardEdit.class)
                            .map(ForwardEdit::targets)
                            .orElse(List.of());
                    case APPLY -> args.model("state", NatState.class)
                            .map(state -> state.forwards().values().stream()
                                    .flatMap(forward -> forward.targets().stream())
                                    .toList())
                            .orElse(List.of());
                    default -> List.of();
                };
        Set<String> hosts = new TreeSet<>();
        for (Target target : targets == null ? List.<Target>of() : targets) {
            if (target.isDnsName()) {
                hosts.add(target.host());
            }
        }
        if (!hosts.isEmpty()) {
            operations.lookUpNewNames(hosts);
        }
    }

    private JsonWritable dispatch(Request request, ClientSession session) {
        return switch (request.op()) {
            case STATUS -> noArgs(request, operations::status);
            case FORWARD_ADD -> {
                Args args = Args.of(request, "forward", "force");
                Forward forward = args.requiredModel("forward", Forward.class);
                yield operations.addForward(forward, args.optionalBoolean("force"));
            }
            case FORWARD_SET -> {
                Args args = Args.of(request, "name", "set", "force");
                yield operations.setForward(
                        args.requiredString("name"),
                        args.requiredModel("set", ForwardEdit.class),
                        args.optionalBoolean("force"));
            }
            case FORWARD_REMOVE -> operations.removeForward(name(request));
            case FORWARD_LIST -> ForwardView.list(noArgs(request, operations::listForwards));
            case FORWARD_GET -> operations.getForward(name(request));
            case OUTBOUND_ADD -> operations.addOutbound(
                    Args.of(request, "outbound").requiredModel("outbound", Outbound.class));
            case OUTBOUND_REMOVE -> operations.removeOutbound(name(request));
            case OUTBOUND_LIST -> OutboundView.list(noArgs(request, operations::listOutbounds));
            case CLUSTER_ADD -> operations.addCluster(
                    Args.of(request, "cluster").requiredModel("cluster", ClusterSpec.class));
            case CLUSTER_REMOVE -> operations.removeCluster(name(request));
            case CLUSTER_LIST -> ClusterView.list(noArgs(request, operations::listClusters));
            case CLUSTER_GET -> operations.getCluster(name(request));
            case CLUSTER_REFRESH -> operations.refreshCluster(name(request));
            case CLUSTER_MAP -> operations.clusterMap(name(request));
            case APPLY -> {
                Args args = Args.of(request, "state", "dry_run", "diff");
                boolean names = namesOnly(args);
                NatState state = args.requiredModel("state", NatState.class);
                yield applyResult(operations.apply(state, args.optionalBoolean("dry_run")), names);
            }
            case APPLY_BEGIN -> {
                Args args = Args.of(request, "dry_run", "bytes");
                boolean dryRun = args.optionalBoolean("dry_run");
                long bytes = args.optionalCount("bytes");
                Upload upload = bytes < 0 ? uploads.begin(session, dryRun) : uploads.beginBytes(session, dryRun, bytes);
                yield new UploadBegun(upload.id(), uploads.maxUploadChars());
            }
            case APPLY_CHUNK -> {
                Args args = Args.of(request, "upload", "seq", "data");
                Upload upload = uploads.append(
                        session, args.requiredString("upload"), args.requiredCount("seq"), args.requiredString("data"));
                yield uploadResult(upload.id(), upload.chars());
            }
            case APPLY_COMMIT -> {
                Args args = Args.of(request, "upload", "diff");
                boolean names = namesOnly(args);
                Upload upload = uploads.take(session, args.requiredString("upload"));
                try {
                    yield applyResult(operations.applyDocument(upload::state, upload.chars(), upload.dryRun()), names);
                } finally {
                    // Its memory is outside the heap: an apply refused before the parse must free it too.
                    upload.discard();
                }
            }
            case APPLY_ABORT -> {
                String id = uploadId(request);
                uploads.abort(session, id);
                yield uploadResult(id, -1);
            }
            case EXPORT -> operations.export(format(request, ExportFormat::fromWireName, "json, nft, iptables"));
            case METRICS -> operations.metrics(format(request, MetricsFormat::fromWireName, "json, prometheus"));
            case DOCTOR -> noArgs(request, operations::doctor);
            case RELOAD -> noArgs(request, operations::reload);
        };
    }

    private static <T> T noArgs(Request request, Supplier<T> call) {
        Args.of(request);
        return call.get();
    }

    /** {@code diff}: "full" (default, every entry in full) or "names" (see {@link ApplyNames}). */
    private static boolean namesOnly(Args args) {
        String diff = args.optionalString("diff", "full");
        return switch (diff) {
            case "full" -> false;
            case "names" -> true;
            default -> throw new AdminException(
                    ErrorCode.BAD_REQUEST,
                    "unknown diff '" + RequestDecoder.abbreviate(diff) + "' (choose full or names)",
                    "args.diff");
        };
    }

    private static JsonWritable applyResult(ApplyResult result, boolean namesOnly) {
        return namesOnly ? ApplyNames.of(result) : result;
    }

    /** {@code {"upload":ID}}, with {@code "chars":N} (what the upload holds) after a chunk. */
    private static JsonWritable uploadResult(String id, long chars) {
        return out -> {
            out.writeStartObject();
            out.writeStringField("upload", id);
            if (chars >= 0) {
                out.writeNumberField("chars", chars);
            }
            out.writeEndObject();
        };
    }

    private static String uploadId(Request request) {
        return Args.of(request, "upload").requiredString("upload");
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

    static AdminException toAdminException(ValidationException e) {
        FieldError first = e.first();
        ErrorCode code = first.code().topLevel() ? first.code() : ErrorCode.VALIDATION;
        var details = e.errors().stream()
                .map(error -> new ReplyError.Detail(error.field(), error.code().name(), error.message()))
                .toList();
        return new AdminException(code, first.message(), first.field().isEmpty() ? null : first.field(), details, e);
    }
}
