package dev.natagent.agent.store;

import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.StateChange;
import dev.natagent.agent.model.Target;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by {@link CrashSafetyTest} in a child JVM that is SIGKILLed at random moments: appends the
 * deterministic change of each next revision, compacting often, and prints {@code ACK r} only
 * after {@code append} returned, i.e. once revision r is acknowledged.
 */
public final class CrashProbe {
    private static final int MAX_APPENDS = 200_000;

    private CrashProbe() {}

    /** The change that makes revision {@code revision}; a pure function, so any revision's state can be recomputed. */
    static List<StateChange> changeOf(long revision) {
        String name = "f" + revision % 37;
        if (revision % 5 == 0) {
            return List.of(new StateChange.RemoveForward(name));
        }
        int port = (int) (revision % 60_000) + 1;
        return List.of(new StateChange.PutForward(
                Forward.single(name, Protocol.TCP, port, Target.parse("10.0.1." + revision % 250 + ":6379"))));
    }

    static NatState stateAt(long revision) {
        NatState state = NatState.empty();
        for (long r = 1; r <= revision; r++) {
            state = StateChange.applyAll(state, changeOf(r));
        }
        return state;
    }

    public static void main(String[] args) throws Exception {
        try (StateStore store = StateStore.open(Path.of(args[0]), new StoreOptions(25, 1L << 20))) {
            for (int i = 0; i < MAX_APPENDS; i++) {
                long revision = store.append(changeOf(store.revision() + 1)).revision();
                System.out.println("ACK " + revision);
                System.out.flush();
                store.compactIfDue();
            }
        }
    }
}
