package dev.natagent.agent.config;

import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.JsonIn;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.Defaults;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Options of the daemon process itself (not NAT state). JSON keys: {@code admin_socket} (default
 * /run/nat-agent/admin.sock), {@code admin_group} (natadmin), {@code state_dir}
 * (/var/lib/nat-agent), {@code metrics_textfile} (optional node_exporter textfile path).
 */
public record DaemonOptions(Path adminSocket, String adminGroup, Path stateDir, Path metricsTextfile) {
    public static final DaemonOptions DEFAULTS =
            new DaemonOptions(Path.of(Defaults.SOCKET), Defaults.ADMIN_GROUP, Path.of(Defaults.STATE_DIR), null);

    public DaemonOptions {
        if (adminSocket == null || adminGroup == null || stateDir == null) {
            throw new IllegalArgumentException("admin socket, admin group and state directory are required");
        }
    }

    private static final JsonIn.Fields FIELDS =
            new JsonIn.Fields("admin_socket", "admin_group", "state_dir", "metrics_textfile");

    /** Reads the config file's {@code daemon} object (see above). */
    static DaemonOptions read(JsonIn in) throws IOException {
        in.startObject();
        String[] values = new String[FIELDS.size()];
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            values[field] = in.string();
        }
        try {
            return of(values[0], values[1], values[2], values[3]);
        } catch (ValidationException e) {
            throw in.placed(e);
        }
    }

    private static DaemonOptions of(String adminSocket, String adminGroup, String stateDir, String metricsTextfile) {
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
