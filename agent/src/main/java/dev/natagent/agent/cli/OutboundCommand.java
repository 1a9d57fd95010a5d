package dev.natagent.agent.cli;

import picocli.CommandLine.Command;

@Command(
        name = "outbound",
        mixinStandardHelpOptions = true,
        description = "Add, remove and list outbound PAT (masquerade of private subnets).")
final class OutboundCommand {}
