package dev.natagent.agent.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * natctl's subcommands, in help order, registered programmatically. Building a command's model
 * by annotation reflection costs picocli several milliseconds per command, so a run builds only
 * the commands its arguments name; help, completion and arguments that name no command build the
 * whole tree, so usage, suggestions and the completion script always list every command. picocli
 * still does all the parsing: a word that merely looks like a command name (an option's value)
 * only adds a command that is never used.
 */
final class Subcommands {
    /** A command and the subcommands under it; name is the one in the class's @Command. */
    record Node(String name, Supplier<Object> factory, List<Node> children) {
        static Node leaf(String name, Supplier<Object> factory) {
            return new Node(name, factory, List.of());
        }

        static Node group(String name, Supplier<Object> factory, Node... children) {
            return new Node(name, factory, List.of(children));
        }
    }

    static final List<Node> TREE = List.of(
            Node.leaf("status", StatusCommand::new),
            Node.group(
                    "forward",
                    ForwardCommand::new,
                    Node.leaf("add", ForwardAddCommand::new),
                    Node.leaf("remove", ForwardRemoveCommand::new),
                    Node.leaf("list", ForwardListCommand::new),
                    Node.leaf("get", ForwardGetCommand::new)),
            Node.group(
                    "outbound",
                    OutboundCommand::new,
                    Node.leaf("add", OutboundAddCommand::new),
                    Node.leaf("remove", OutboundRemoveCommand::new),
                    Node.leaf("list", OutboundListCommand::new)),
            Node.leaf("apply", ApplyCommand::new),
            Node.leaf("export", ExportCommand::new),
            Node.leaf("metrics", MetricsCommand::new),
            Node.leaf("doctor", DoctorCommand::new),
            Node.leaf("completion", CompletionCommand::new));

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
                CommandLine child = new CommandLine(node.factory().get());
                // Added before its own subcommands, so that those inherit natctl's global options.
                parent.addSubcommand(node.name(), child);
                register(child, node.children(), below);
            }
        }
    }
}
