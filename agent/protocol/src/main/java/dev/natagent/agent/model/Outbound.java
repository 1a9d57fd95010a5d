package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Outbound PAT: traffic from {@code sources} leaving through {@code outInterface} is masqueraded.
 *
 * <p>JSON: {@code {"name":"private","source":["10.0.0.0/16"],"out":"ens5"}} (the keys mirror natctl's
 * {@code --source} and {@code --out}).
 */
public record Outbound(String name, List<Cidr> sources, String outInterface) implements JsonWritable {

    public Outbound {
        List<FieldError> errors = new ArrayList<>();
        Names.checkName("name", name, errors);
        if (sources == null || sources.isEmpty()) {
            errors.add(new FieldError("source", ErrorCode.MISSING_FIELD, "at least one source CIDR is required"));
        } else {
            sources = List.copyOf(sources);
        }
        if (outInterface == null) {
            errors.add(new FieldError("out", ErrorCode.MISSING_FIELD, "egress interface is required"));
        } else if (!Names.isValidInterface(outInterface)) {
            errors.add(new FieldError(
                    "out",
                    ErrorCode.INVALID_INTERFACE,
                    "'" + Names.escape(outInterface)
                            + "' is not a valid interface name: 1-15 letters, digits, '_', '.' or '-',"
                            + " optionally ending in '*' to match every interface with that prefix (e.g. ens5 or"
                            + " ens*)"));
        }
        ValidationException.throwIfAny(errors);
    }

    private static final JsonIn.Fields FIELDS = new JsonIn.Fields("name", "source", "out");

    /** Reads one outbound's JSON object (see above). */
    public static Outbound read(JsonIn in) throws IOException {
        in.startObject();
        String name = null;
        List<Cidr> sources = null;
        String outInterface = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            switch (field) {
                case 0 -> name = in.string();
                case 1 -> sources = Cidr.readList(in);
                default -> outInterface = in.string();
            }
        }
        try {
            return new Outbound(name, sources, outInterface);
        } catch (ValidationException e) {
            throw in.placed(e);
        }
    }

    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("name", name);
        JsonWriting.texts(out, "source", sources);
        out.writeStringField("out", outInterface);
        out.writeEndObject();
    }
}
