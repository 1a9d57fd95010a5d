package dev.natagent.agent.api;

import dev.natagent.agent.protocol.Op;

/** A decoded, well-formed request line: version checked, op known, args an object (maybe empty). */
public record Request(String id, Op op, Args args) {

    /** True when the request may change state; those run one at a time (an apply dry run only reads). */
    public boolean mutating() {
        if (op == Op.APPLY) {
            return !args.isTrue("dry_run");
        }
        return op.mutating();
    }
}
