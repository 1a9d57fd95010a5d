package dev.natagent.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.protocol.Op;

/** A decoded, well-formed request line: version checked, op known, args an object (maybe empty). */
public record Request(String id, Op op, ObjectNode args) {

    /** True when the request may change state; those run one at a time (an apply dry run only reads). */
    public boolean mutating() {
        if (op == Op.APPLY) {
            JsonNode dryRun = args.get("dry_run");
            return dryRun == null || !dryRun.isBoolean() || !dryRun.booleanValue();
        }
        return op.mutating();
    }
}
