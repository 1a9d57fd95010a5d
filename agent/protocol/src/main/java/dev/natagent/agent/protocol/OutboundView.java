package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** An outbound PAT rule: traffic from {@code source} leaving through {@code out} is masqueraded. */
public record OutboundView(String name, List<String> source, String out) implements JsonWritable {
    public OutboundView {
        source = List.copyOf(source);
    }

    @Override
    public void write(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", name);
        JsonWriting.texts(json, "source", source);
        json.writeStringField("out", out);
        json.writeEndObject();
    }

    /** An outbound.list reply, {@code {"outbounds":[...]}}. */
    public static JsonWritable list(List<OutboundView> outbounds) {
        return JsonWriting.listing("outbounds", outbounds);
    }

    /** The records of an outbound.list reply ({@code {"outbounds":[...]}}); see {@link ReplyFields}. */
    public static List<OutboundView> readList(JsonNode reply) {
        List<OutboundView> outbounds = new ArrayList<>();
        for (ReplyFields outbound : ReplyFields.of(reply, "outbound.list reply").objects("outbounds")) {
            outbounds.add(read(outbound));
        }
        return outbounds;
    }

    /** The record from the fields of one outbound (a listing's entry, or a change's). */
    static OutboundView read(ReplyFields outbound) {
        return new OutboundView(outbound.text("name"), outbound.texts("source"), outbound.text("out"));
    }
}
