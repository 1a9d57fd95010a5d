package dev.natagent.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @JsonCreator
    static AgentConfig fromJson(
            @JsonProperty("schema_version") Integer schemaVersion,
            @JsonProperty("daemon") DaemonOptions daemon,
            @JsonProperty("settings") Settings settings,
            @JsonProperty("forwards") List<Forward> forwards,
            @JsonProperty("outbounds") List<Outbound> outbounds) {
        return new AgentConfig(
                daemon == null ? DaemonOptions.DEFAULTS : daemon,
                NatState.of(schemaVersion, settings, forwards, outbounds));
    }

    @JsonValue
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema_version", NatState.SCHEMA_VERSION);
        json.put("daemon", daemon);
        json.put("settings", desired.settings());
        json.put("forwards", List.copyOf(desired.forwards().values()));
        json.put("outbounds", List.copyOf(desired.outbounds().values()));
        return json;
    }
}
