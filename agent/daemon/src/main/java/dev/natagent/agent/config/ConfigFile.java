package dev.natagent.agent.config;

import dev.natagent.agent.model.JsonIn;
import dev.natagent.agent.model.JsonPositions;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads {@code /etc/nat-agent/config.json} (path configurable). The file is optional; it seeds the
 * state on first start and {@code reload} reads it again. Parsing checks each object's own rules
 * and unique names; rules across objects and the machine (ports in use, sshd's port) are the
 * Validator's, applied by the daemon before the state is adopted.
 */
public final class ConfigFile {
    public static final Path DEFAULT_PATH = Path.of("/etc/nat-agent/config.json");
    /** A config file is small; refuse anything absurd before reading it into memory. */
    private static final long MAX_BYTES = 64L << 20;

    private ConfigFile() {}

    /** The config, or empty when the file does not exist. */
    public static Optional<AgentConfig> loadIfPresent(Path file) throws ConfigException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(load(file));
    }

    public static AgentConfig load(Path file) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file, file + ": larger than " + MAX_BYTES + " bytes", List.of(), null);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, file + ": no such file", List.of(), null);
        } catch (IOException e) {
            throw new ConfigException(file, file + ": cannot read: " + IoErrors.reason(e), List.of(), null);
        }
        return parse(file, bytes);
    }

    /** Parses config text; {@code file} only names the source in messages. */
    public static AgentConfig parse(Path file, byte[] json) throws ConfigException {
        try {
            return JsonIn.read(json, AgentConfig::read);
        } catch (ValidationException e) {
            throw invalid(file, json, e);
        }
    }

    /**
     * The config file's content is refused (by parsing, or by the validator after it): one line,
     * each problem as {@code FILE:LINE:COLUMN: FIELD: MESSAGE [CODE]}, positions looked up in the
     * file as it is now.
     */
    public static ConfigException invalid(Path file, ValidationException refusal) {
        byte[] json;
        try {
            json = Files.size(file) > MAX_BYTES ? new byte[0] : Files.readAllBytes(file);
        } catch (IOException e) {
            json = new byte[0];
        }
        return invalid(file, json, refusal);
    }

    private static ConfigException invalid(Path file, byte[] json, ValidationException refusal) {
        JsonPositions positions = JsonPositions.of(json);
        String details = refusal.errors().stream()
                .map(error -> positions.describe(file.toString(), error))
                .collect(Collectors.joining("; "));
        return new ConfigException(file, details, refusal.errors(), null);
    }
}
