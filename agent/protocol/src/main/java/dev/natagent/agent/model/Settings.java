package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Agent-wide settings. JSON keys: {@code manage_ip_forward} (default true), {@code
 * resolve_interval_seconds} (30), {@code full_check_interval_seconds} (60), {@code ssh_port}
 * (optional; overrides what sshd_config says when the guard against forwarding sshd's port runs),
 * {@code public_address} (optional; the address clients dial to reach this instance, which it cannot
 * see behind an Elastic IP: the clusters' address maps use it unless a cluster names its own),
 * {@code ha} (optional; the NAT pair this instance is a node of, see {@link HaPair}).
 */
public record Settings(
        boolean manageIpForward,
        int resolveIntervalSeconds,
        int fullCheckIntervalSeconds,
        Integer sshPort,
        Ipv4 publicAddress,
        HaPair ha)
        implements JsonWritable {
    public static final Settings DEFAULTS = new Settings(true, 30, 60, null, null, null);
    private static final int MAX_INTERVAL_SECONDS = 86_400;

    public Settings {
        List<FieldError> errors = new ArrayList<>();
        checkInterval("resolve_interval_seconds", resolveIntervalSeconds, errors);
        checkInterval("full_check_interval_seconds", fullCheckIntervalSeconds, errors);
        if (sshPort != null && (sshPort < PortRange.MIN || sshPort > PortRange.MAX)) {
            errors.add(
                    new FieldError("ssh_port", ErrorCode.INVALID_PORT, "ssh_port " + sshPort + " is outside 1-65535"));
        }
        if (publicAddress != null && !publicAddress.isUnicast()) {
            errors.add(new FieldError(
                    "public_address", ErrorCode.INVALID_ADDRESS, publicAddress + " is not a unicast address"));
        }
        ValidationException.throwIfAny(errors);
    }

    /** Settings without a public address or a pair. */
    public Settings(
            boolean manageIpForward, int resolveIntervalSeconds, int fullCheckIntervalSeconds, Integer sshPort) {
        this(manageIpForward, resolveIntervalSeconds, fullCheckIntervalSeconds, sshPort, null, null);
    }

    /** Settings of a single instance (no pair). */
    public Settings(
            boolean manageIpForward,
            int resolveIntervalSeconds,
            int fullCheckIntervalSeconds,
            Integer sshPort,
            Ipv4 publicAddress) {
        this(manageIpForward, resolveIntervalSeconds, fullCheckIntervalSeconds, sshPort, publicAddress, null);
    }

    private static final JsonIn.Fields FIELDS = new JsonIn.Fields(
            "manage_ip_forward",
            "resolve_interval_seconds",
            "full_check_interval_seconds",
            "ssh_port",
            "public_address",
            "ha");

    /** Reads the JSON object (see above): a missing key takes its default. */
    public static Settings read(JsonIn in) throws IOException {
        in.startObject();
        Boolean manageIpForward = null;
        Integer resolveIntervalSeconds = null;
        Integer fullCheckIntervalSeconds = null;
        Integer sshPort = null;
        Ipv4 publicAddress = null;
        HaPair ha = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            switch (field) {
                case 0 -> manageIpForward = in.bool();
                case 1 -> resolveIntervalSeconds = in.integer();
                case 2 -> fullCheckIntervalSeconds = in.integer();
                case 3 -> sshPort = in.integer();
                case 4 -> publicAddress = Ipv4.read(in);
                default -> ha = in.object(HaPair::read);
            }
        }
        try {
            return new Settings(
                    manageIpForward == null ? DEFAULTS.manageIpForward : manageIpForward,
                    resolveIntervalSeconds == null ? DEFAULTS.resolveIntervalSeconds : resolveIntervalSeconds,
                    fullCheckIntervalSeconds == null ? DEFAULTS.fullCheckIntervalSeconds : fullCheckIntervalSeconds,
                    sshPort,
                    publicAddress,
                    ha);
        } catch (ValidationException e) {
            throw in.placed(e);
        }
    }

    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeBooleanField("manage_ip_forward", manageIpForward);
        out.writeNumberField("resolve_interval_seconds", resolveIntervalSeconds);
        out.writeNumberField("full_check_interval_seconds", fullCheckIntervalSeconds);
        JsonWriting.optionalNumber(out, "ssh_port", sshPort);
        JsonWriting.optionalText(out, "public_address", publicAddress);
        JsonWriting.optionalObject(out, "ha", ha);
        out.writeEndObject();
    }

    /** The pair this instance is a node of, empty on a single instance. */
    public Optional<HaPair> pair() {
        return Optional.ofNullable(ha);
    }

    public OptionalInt sshPortOverride() {
        return sshPort == null ? OptionalInt.empty() : OptionalInt.of(sshPort);
    }

    private static void checkInterval(String field, int seconds, List<FieldError> errors) {
        if (seconds < 1 || seconds > MAX_INTERVAL_SECONDS) {
            errors.add(new FieldError(
                    field,
                    ErrorCode.INVALID_VALUE,
                    field + " must be between 1 and " + MAX_INTERVAL_SECONDS + ", got " + seconds));
        }
    }
}
