package dev.natagent.agent.cli;

import picocli.CommandLine.Command;

@Command(name = "forward", mixinStandardHelpOptions = true, description = "Add, remove and show port forwards.")
final class ForwardCommand {}
