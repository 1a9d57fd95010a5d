package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.ClusterChange;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ClusterAddCommand extends AgentCommand {
    private final PositionalParamSpec name =
            Specs.positional("NAME", "Cluster name: [a-z0-9][a-z0-9_.-]{0,56}; its nodes' forwards are NAME.PORT.");
    private final OptionSpec engine = Specs.option(
                    "--engine", "redis|memcached", ClusterEngine.class, ModelConverters.ENGINE, "The cluster's engine.")
            .required(true)
            .build();
    private final OptionSpec endpoint = Specs.option(
                    "--endpoint",
                    "HOST:PORT",
                    Target.class,
                    ModelConverters.TARGET,
                    "Configuration endpoint, e.g. clustercfg.orders.xxx.cache.amazonaws.com:6379.")
            .required(true)
            .build();
    private final OptionSpec listen = Specs.option(
                    "--listen",
                    "FIRST-LAST",
                    PortRange.class,
                    ModelConverters.PORT_RANGE,
                    "Listen ports for the nodes, one each (replicas too), e.g. 7000-7099.")
            .required(true)
            .build();
    private final OptionSpec allow = Specs.list(
                    "--allow", "CIDR", Cidr.class, ModelConverters.CIDR, "Source CIDRs allowed (default: any).")
            .build();
    private final OptionSpec snat = Specs.option(
                    "--snat",
                    "masquerade|none|ADDRESS",
                    ReturnPath.class,
                    ModelConverters.RETURN_PATH,
                    "Return path of the nodes' forwards (default: masquerade).")
            .build();
    private final OptionSpec tls =
            Specs.flag("--tls", "Discover over TLS (in-transit encryption), host name verified.");
    private final OptionSpec caFile = Specs.option(
                    "--ca-file", "FILE", String.class, "PEM CA bundle for --tls (default: the JVM's CAs).")
            .build();
    private final OptionSpec authFile = Specs.option(
                    "--auth-file",
                    "FILE",
                    String.class,
                    "File holding PASSWORD or USER PASSWORD (mode 600); its content never leaves the agent.")
            .build();
    private final OptionSpec publicAddress = Specs.option(
                    "--public-address",
                    "IP",
                    Ipv4.class,
                    ModelConverters.ADDRESS,
                    "Address clients dial (the Elastic IP; default: settings public_address).")
            .build();
    private final OptionSpec pollInterval = Specs.option(
                    "--poll-interval", "SECONDS", Integer.class, "Seconds between polls (default: 10).")
            .build();
    private final OptionSpec grace = Specs.option(
                    "--grace", "SECONDS", Integer.class, "Seconds a vanished node keeps its port (default: 300).")
            .build();
    private final OptionSpec configPort = Specs.option(
                    "--config-port",
                    "PORT",
                    Integer.class,
                    "Memcached: port where the agent answers auto-discovery clients itself, outside --listen.")
            .build();
    private final OptionSpec quiet = Specs.quiet();

    static CommandSpec spec() {
        ClusterAddCommand command = new ClusterAddCommand();
        CommandSpec spec = Specs.command(
                command,
                "Follow a Redis/Valkey (cluster mode) or Memcached cluster: every node gets a forward from the range.",
                command.name,
                command.engine,
                command.endpoint,
                command.listen,
                command.allow,
                command.snat,
                command.tls,
                command.caFile,
                command.authFile,
                command.publicAddress,
                command.pollInterval,
                command.grace,
                command.configPort,
                command.quiet);
        Specs.examples(
                spec,
                "natctl cluster add orders --engine redis --endpoint clustercfg.orders.xxx.cache.amazonaws.com:6379"
                        + " --listen 7000-7099 --allow 198.51.100.27/32 --public-address 203.0.113.73",
                "natctl cluster add sessions --engine memcached --endpoint sessions.xxx.cfg.cache.amazonaws.com:11211"
                        + " --listen 11300-11399");
        return spec;
    }

    @Override
    public Integer call() {
        ClusterSpec cluster;
        try {
            cluster = new ClusterSpec(
                    name.getValue(),
                    engine.getValue(),
                    endpoint.getValue(),
                    listen.getValue(),
                    allow.getValue(),
                    snat.getValue(),
                    tls.getValue(),
                    caFile.getValue(),
                    authFile.getValue(),
                    publicAddress.getValue(),
                    pollInterval.getValue(),
                    grace.getValue(),
                    configPort.getValue());
        } catch (ValidationException e) {
            throw usageError("invalid cluster: " + e.getMessage());
        }
        ObjectNode json = CliJson.object();
        json.put("name", cluster.name());
        json.put("engine", cluster.engine().toString());
        json.put("endpoint", cluster.endpoint().toString());
        json.put("listen", cluster.listen().toString());
        json.set("allow", CliJson.array(cluster.allow()));
        json.put("snat", cluster.snat().toString());
        json.put("tls", cluster.tls());
        if (cluster.caFile() != null) {
            json.put("ca_file", cluster.caFile());
        }
        if (cluster.authFile() != null) {
            json.put("auth_file", cluster.authFile());
        }
        if (cluster.publicAddress() != null) {
            json.put("public_address", cluster.publicAddress().toString());
        }
        json.put("poll_interval_seconds", cluster.pollIntervalSeconds());
        json.put("grace_seconds", cluster.graceSeconds());
        if (cluster.configPort() != null) {
            json.put("config_port", cluster.configPort());
        }
        return callAndPrint(Op.CLUSTER_ADD, args().set("cluster", json));
    }

    @Override
    Integer render(JsonNode reply) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
        ClusterChange change = ClusterChange.read(reply);
        String cluster = change.cluster().name();
        out().println("added cluster " + cluster + " (revision " + change.revision()
                + "); its nodes get forwards from the first poll: natctl cluster get " + cluster);
        return ExitCode.OK;
    }
}
