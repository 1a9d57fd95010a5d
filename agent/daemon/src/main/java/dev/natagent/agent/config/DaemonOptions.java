package dev.natagent.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.Defaults;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Options of the daemon process itself (not NAT state). JSON keys: {@code admin_socket} (default
 * /run/nat-agent/admin.sock), {@code admin_group} (natadmin), {@code state_dir}
 * (/var/lib/nat-agent), {@code metrics_textfile} (optional node_exporter textfile path).
 */
public record DaemonOptions(
        @JsonSerialize(using = ToStringSerializer.class) Path adminSocket,
        String adminGroup,
        @JsonSerialize(using = ToStringSerializer.class) Path stateDir,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonSerialize(using = ToStringSerializer.class)
                Path metricsTextfile) {
    public static final DaemonOptions DEFAULTS =
            new DaemonOptions(Path.of(Defaults.SOCKET), Defaults.ADMIN_GROUP, Path.of(Defaults.STATE_DIR), null);

    public DaemonOptions {
        if (adminSocket == null || adminGroup == null || stateDir == null) {
            throw new IllegalArgumentException("admin socket, admin group and state directory are required");
        }
    }

    @JsonCreator
    static DaemonOptions fromJson(
            @JsonProperty("admin_socket") String adminSocket,
            @JsonProperty("admin_group") String adminGroup,
            @JsonProperty("state_dir") String stateDir,
            @JsonProperty("metrics_textfile") String metricsTextfile) {
        if (adminGroup != null && !adminGroup.matches("[A-Za-z_][A-Za-z0-9_.-]{0,31}")) {
            throw new ValidationException(
                    "admin_group", ErrorCode.INVALID_NAME, "'" + adminGroup + "' is not a valid group name");
        }
        return new DaemonOptions(
                adminSocket == null ? DEFAULTS.adminSocket : absolutePath("admin_socket", adminSocket),
                adminGroup == null ? DEFAULTS.adminGroup : adminGroup,
                stateDir == null ? DEFAULTS.stateDir : absolutePath("state_dir", stateDir),
                metricsTextfile == null ? null : absolutePath("metrics_textfile", metricsTextfile));
    }

    public Optional<Path> metricsTextfilePath() {
        return Optional.ofNullable(metricsTextfile);
    }

    private static Path absolutePath(String field, String text) {
        try {
            Path path = Path.of(text);
            if (path.isAbsolute() && text.indexOf('\0') < 0) {
                return path.normalize();
            }
        } catch (InvalidPathException e) {
            // reported below
        }
        throw new ValidationException(
                field, ErrorCode.INVALID_VALUE, field + " must be an absolute path, not '" + text + "'");
    }
}
