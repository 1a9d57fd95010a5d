package dev.natagent.agent.config;

import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.JsonIn;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.ValidationException;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The config file's content: the desired state's shape ({@code schema_version}, {@code settings},
 * {@code forwards}, {@code outbounds}, all optional) plus {@code daemon} options.
 */
public record AgentConfig(DaemonOptions daemon, NatState desired) {
    public static final AgentConfig DEFAULTS = new AgentConfig(DaemonOptions.DEFAULTS, NatState.empty());

    public AgentConfig {
        Objects.requireNonNull(daemon, "daemon");
        Objects.requireNonNull(desired, "desired");
    }

    private static final JsonIn.Fields FIELDS =
            new JsonIn.Fields("schema_version", "daemon", "settings", "forwards", "outbounds");

    /** Reads the config file's JSON object (see above). */
    static AgentConfig read(JsonIn in) throws IOException {
        in.startObject();
        Integer schemaVersion = null;
        DaemonOptions daemon = null;
        Settings settings = null;
        List<Forward> forwards = null;
        List<Outbound> outbounds = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            switch (field) {
                case 0 -> schemaVersion = in.integer();
                case 1 -> daemon = in.object(DaemonOptions::read);
                case 2 -> settings = in.object(Settings::read);
                case 3 -> forwards = in.list(Forward::read, "an array");
                default -> outbounds = in.list(Outbound::read, "an array");
            }
        }
        try {
            return new AgentConfig(
                    daemon == null ? DaemonOptions.DEFAULTS : daemon,
                    NatState.of(schemaVersion, settings, forwards, outbounds));
        } catch (ValidationException e) {
            throw in.placed(e);
        }
    }
}
