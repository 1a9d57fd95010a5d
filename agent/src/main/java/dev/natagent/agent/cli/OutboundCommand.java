package dev.natagent.agent.cli;

import picocli.CommandLine.Command;

@Command(
        name = "outbound",
        mixinStandardHelpOptions = true,
        description = "Add, remove and list outbound PAT (masquerade of private subnets).",
        subcommands = {OutboundAddCommand.class, OutboundRemoveCommand.class, OutboundListCommand.class})
final class OutboundCommand {}
