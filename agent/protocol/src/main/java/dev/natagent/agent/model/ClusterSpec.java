package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an operator declares about a cluster: where its configuration endpoint is, which listen
 * ports its nodes may take on this instance, and who may use them. The agent discovers the nodes
 * itself and gives each one a forward of its own from {@code listen}.
 *
 * <p>JSON: {@code {"name":"orders","engine":"redis","endpoint":"clustercfg.orders.cache.amazonaws.com:6379",
 * "listen":"7000-7099","allow":["198.51.100.27/32"],"snat":"masquerade","tls":false,
 * "ca_file":"/etc/nat-agent/ca.pem","auth_file":"/etc/nat-agent/orders.auth",
 * "public_address":"203.0.113.73","poll_interval_seconds":10,"grace_seconds":300}}, and for Memcached
 * {@code "config_port":11211}, where the agent answers auto-discovery clients itself; {@code allow},
 * {@code snat}, {@code tls}, the files, the public address (settings' {@code public_address} then
 * applies) and the two intervals are optional. The auth file is a path: its content (the password)
 * never enters the state.
 */
public record ClusterSpec(
        String name,
        ClusterEngine engine,
        Target endpoint,
        PortRange listen,
        List<Cidr> allow,
        ReturnPath snat,
        Boolean tls,
        String caFile,
        String authFile,
        Ipv4 publicAddress,
        Integer pollIntervalSeconds,
        Integer graceSeconds,
        Integer configPort)
        implements JsonWritable {
    public static final int DEFAULT_POLL_INTERVAL_SECONDS = 10;
    /** Long enough for a node replacement or a restart of the engine not to move any port. */
    public static final int DEFAULT_GRACE_SECONDS = 300;
    /** A node's forward is called NAME.PORT, and forward names have at most 63 characters. */
    static final int MAX_NAME = 57;

    private static final int MAX_POLL_INTERVAL_SECONDS = 3_600;
    private static final int MAX_GRACE_SECONDS = 7 * 86_400;
    private static final int MAX_PATH = 4_096;

    public ClusterSpec {
        List<FieldError> errors = new ArrayList<>();
        Names.checkName("name", name, errors);
        if (name != null && name.length() > MAX_NAME) {
            errors.add(new FieldError(
                    "name",
                    ErrorCode.INVALID_NAME,
                    "a cluster name has at most " + MAX_NAME
                            + " characters (its nodes' forwards are called NAME.PORT)"));
        }
        required("engine", engine, "engine (redis or memcached) is required", errors);
        required("endpoint", endpoint, "endpoint HOST:PORT of the configuration endpoint is required", errors);
        required("listen", listen, "listen port range for the nodes is required", errors);
        allow = allow == null ? List.of() : List.copyOf(allow);
        snat = snat == null ? ReturnPath.MASQUERADE : snat;
        tls = Boolean.TRUE.equals(tls);
        checkPath("ca_file", caFile, errors);
        checkPath("auth_file", authFile, errors);
        if (caFile != null && !tls) {
            errors.add(new FieldError("ca_file", ErrorCode.INVALID_VALUE, "ca_file is used only with tls"));
        }
        if (publicAddress != null && !publicAddress.isUnicast()) {
            errors.add(new FieldError(
                    "public_address", ErrorCode.INVALID_ADDRESS, publicAddress + " is not a unicast address"));
        }
        checkConfigPort(engine, listen, configPort, errors);
        pollIntervalSeconds = pollIntervalSeconds == null ? DEFAULT_POLL_INTERVAL_SECONDS : pollIntervalSeconds;
        graceSeconds = graceSeconds == null ? DEFAULT_GRACE_SECONDS : graceSeconds;
        if (pollIntervalSeconds < 1 || pollIntervalSeconds > MAX_POLL_INTERVAL_SECONDS) {
            errors.add(new FieldError(
                    "poll_interval_seconds",
                    ErrorCode.INVALID_VALUE,
                    "poll_interval_seconds must be between 1 and " + MAX_POLL_INTERVAL_SECONDS + ", got "
                            + pollIntervalSeconds));
        }
        if (graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
            errors.add(new FieldError(
                    "grace_seconds",
                    ErrorCode.INVALID_VALUE,
                    "grace_seconds must be between 0 and " + MAX_GRACE_SECONDS + ", got " + graceSeconds));
        }
        ValidationException.throwIfAny(errors);
    }

    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        writeFields(out);
        out.writeEndObject();
    }

    /** The members of this spec's object, which a {@link Cluster}'s object also holds. */
    void writeFields(JsonGenerator out) throws IOException {
        out.writeStringField("name", name);
        out.writeStringField("engine", engine.toString());
        out.writeStringField("endpoint", endpoint.toString());
        out.writeStringField("listen", listen.toString());
        JsonWriting.texts(out, "allow", allow);
        out.writeStringField("snat", snat.toString());
        out.writeBooleanField("tls", tls);
        JsonWriting.optionalText(out, "ca_file", caFile);
        JsonWriting.optionalText(out, "auth_file", authFile);
        JsonWriting.optionalText(out, "public_address", publicAddress);
        out.writeNumberField("poll_interval_seconds", pollIntervalSeconds);
        out.writeNumberField("grace_seconds", graceSeconds);
        JsonWriting.optionalNumber(out, "config_port", configPort);
    }

    /** The address clients dial: this cluster's own, else the settings' default. */
    public Optional<Ipv4> publicAddress(Settings settings) {
        return Optional.ofNullable(publicAddress != null ? publicAddress : settings.publicAddress());
    }

    /** Whether TCP {@code ports} meet this cluster's own: its listen range or its config_port. */
    public boolean claims(PortRange ports) {
        return ports.overlaps(listen) || (configPort != null && ports.contains(configPort));
    }

    /** This cluster's own TCP ports in words, for refusals. */
    public String portsText() {
        return "listen " + listen + (configPort == null ? "" : " and config_port " + configPort);
    }

    /**
     * A Memcached cluster's own configuration endpoint on this instance: a port of its own, outside
     * the nodes' range (a DNATed port would never reach the agent).
     */
    private static void checkConfigPort(
            ClusterEngine engine, PortRange listen, Integer configPort, List<FieldError> errors) {
        if (configPort == null) {
            return;
        }
        if (engine != ClusterEngine.MEMCACHED) {
            errors.add(new FieldError(
                    "config_port", ErrorCode.INVALID_VALUE, "config_port is for memcached clusters only"));
        } else if (configPort < PortRange.MIN || configPort > PortRange.MAX) {
            errors.add(new FieldError(
                    "config_port", ErrorCode.INVALID_PORT, "config_port " + configPort + " is outside 1-65535"));
        } else if (listen != null && listen.contains(configPort)) {
            errors.add(new FieldError(
                    "config_port",
                    ErrorCode.PORT_IN_USE,
                    "config_port " + configPort + " is inside the nodes' listen range " + listen));
        }
    }

    private static void required(String field, Object value, String message, List<FieldError> errors) {
        if (value == null) {
            errors.add(new FieldError(field, ErrorCode.MISSING_FIELD, message));
        }
    }

    /** An absolute path without control characters; the file itself is read only when polling. */
    private static void checkPath(String field, String path, List<FieldError> errors) {
        if (path == null) {
            return;
        }
        boolean control = path.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
        if (!path.startsWith("/") || path.length() > MAX_PATH || control) {
            errors.add(new FieldError(
                    field,
                    ErrorCode.INVALID_VALUE,
                    field + " must be an absolute path without control characters, not '" + Names.escape(path) + "'"));
        }
    }

    static final JsonIn.Fields FIELDS = new JsonIn.Fields(
            "name",
            "engine",
            "endpoint",
            "listen",
            "allow",
            "snat",
            "tls",
            "ca_file",
            "auth_file",
            "public_address",
            "poll_interval_seconds",
            "grace_seconds",
            "config_port");

    /** Reads a spec's JSON object (see above). */
    public static ClusterSpec read(JsonIn in) throws IOException {
        in.startObject();
        Reading spec = new Reading();
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            spec.read(in, field);
        }
        try {
            return spec.spec();
        } catch (ValidationException e) {
            throw in.placed(e);
        }
    }

    /** A spec's keys as they are read, also among the keys of an object that holds more (a cluster's). */
    static final class Reading {
        private String name;
        private ClusterEngine engine;
        private Target endpoint;
        private PortRange listen;
        private List<Cidr> allow;
        private ReturnPath snat;
        private Boolean tls;
        private String caFile;
        private String authFile;
        private Ipv4 publicAddress;
        private Integer pollIntervalSeconds;
        private Integer graceSeconds;
        private Integer configPort;

        /** Reads the value of key {@code field} (an index into {@link #FIELDS}). */
        void read(JsonIn in, int field) throws IOException {
            switch (field) {
                case 0 -> name = in.string();
                case 1 -> engine = ClusterEngine.read(in);
                case 2 -> endpoint = Target.read(in);
                case 3 -> listen = PortRange.read(in);
                case 4 -> allow = Cidr.readList(in);
                case 5 -> snat = ReturnPath.read(in);
                case 6 -> tls = in.bool();
                case 7 -> caFile = in.string();
                case 8 -> authFile = in.string();
                case 9 -> publicAddress = Ipv4.read(in);
                case 10 -> pollIntervalSeconds = in.integer();
                case 11 -> graceSeconds = in.integer();
                default -> configPort = in.integer();
            }
        }

        ClusterSpec spec() {
            return new ClusterSpec(
                    name,
                    engine,
                    endpoint,
                    listen,
                    allow,
                    snat,
                    tls,
                    caFile,
                    authFile,
                    publicAddress,
                    pollIntervalSeconds,
                    graceSeconds,
                    configPort);
        }
    }
}
