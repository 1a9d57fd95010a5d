package dev.natagent.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** An outbound PAT rule: traffic from {@code source} leaving through {@code out} is masqueraded. */
public record OutboundView(String name, List<String> source, String out) {
    public OutboundView {
        source = List.copyOf(source);
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
