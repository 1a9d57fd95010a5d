package dev.natagent.agent.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * natctl's subcommands, in help order, and their names (the one place commands are named). Even
 * built programmatically, each command costs picocli a parser of its own, so a run builds only the
 * commands its arguments name; help, completion and arguments that name no command build the
 * whole tree, so usage, suggestions and the completion script always list every command. picocli
 * still does all the parsing: a word that merely looks like a command name (an option's value)
 * only adds a command that is never used.
 */
final class Subcommands {
    /** A command and the subcommands under it. */
    record Node(String name, Supplier<CommandSpec> spec, List<Node> children) {
        static Node leaf(String name, Supplier<CommandSpec> spec) {
            return new Node(name, spec, List.of());
        }

        static Node group(String name, String description, Node... children) {
            return new Node(name, () -> Specs.group(description), List.of(children));
        }
    }

    static final List<Node> TREE = List.of(
            Node.leaf("status", StatusCommand::spec),
            Node.group(
                    "forward",
                    "Add, remove and show port forwards.",
                    Node.leaf("add", ForwardAddCommand::spec),
                    Node.leaf("remove", ForwardRemoveCommand::spec),
                    Node.leaf("list", ForwardListCommand::spec),
                    Node.leaf("get", ForwardGetCommand::spec)),
            Node.group(
                    "outbound",
                    "Add, remove and list outbound PAT (masquerade of private subnets).",
                    Node.leaf("add", OutboundAddCommand::spec),
                    Node.leaf("remove", OutboundRemoveCommand::spec),
                    Node.leaf("list", OutboundListCommand::spec)),
            Node.leaf("apply", ApplyCommand::spec),
            Node.leaf("export", ExportCommand::spec),
            Node.leaf("metrics", MetricsCommand::spec),
            Node.leaf("doctor", DoctorCommand::spec),
            Node.leaf("completion", CompletionCommand::spec));

    /** Words after which picocli shows usage or the completion script: they need every command. */
    private static final Set<String> WHOLE_TREE_WORDS = Set.of("-h", "--help", "help", "completion");

    private Subcommands() {}

    /** Adds to root the subcommands that args name (all of them for help and completion). */
    static void register(CommandLine root, String[] args) {
        Set<String> words = Set.copyOf(Arrays.asList(args));
        boolean wholeTree = words.stream().anyMatch(WHOLE_TREE_WORDS::contains);
        register(root, TREE, wholeTree ? null : words);
    }

    /** words null: register every node below parent. */
    private static void register(CommandLine parent, List<Node> nodes, Set<String> words) {
        boolean anyNamed = words != null && nodes.stream().anyMatch(node -> words.contains(node.name()));
        Set<String> below = anyNamed ? words : null;
        for (Node node : nodes) {
            if (!anyNamed || words.contains(node.name())) {
                CommandLine child = new CommandLine(node.spec().get());
                // Added before its own subcommands, so that those inherit natctl's global options.
                parent.addSubcommand(node.name(), child);
                register(child, node.children(), below);
            }
        }
    }
}
