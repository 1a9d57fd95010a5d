package dev.natagent.agent.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * natctl's subcommands, in help order. Even built programmatically, each command costs picocli a
 * parser of its own, so a run builds only the commands its arguments name; help, completion and
 * arguments that name no command build the whole tree, so usage, suggestions and the completion
 * script always list every command. picocli still does all the parsing: a word that merely looks
 * like a command name (an option's value) only adds a command that is never used.
 */
final class Subcommands {
    /** A command (its path names it, see {@link #spec}) and the subcommands under it. */
    record Node(String name, List<Node> children) {
        static Node leaf(String name) {
            return new Node(name, List.of());
        }

        static Node group(String name, Node... children) {
            return new Node(name, List.of(children));
        }
    }

    static final List<Node> TREE = List.of(
            Node.leaf("status"),
            Node.group(
                    "forward",
                    Node.leaf("add"),
                    Node.leaf("set"),
                    Node.leaf("remove"),
                    Node.leaf("list"),
                    Node.leaf("get")),
            Node.group("outbound", Node.leaf("add"), Node.leaf("remove"), Node.leaf("list")),
            Node.group(
                    "cluster",
                    Node.leaf("add"),
                    Node.leaf("remove"),
                    Node.leaf("list"),
                    Node.leaf("get"),
                    Node.leaf("refresh"),
                    Node.leaf("map")),
            Node.leaf("apply"),
            Node.leaf("export"),
            Node.leaf("metrics"),
            Node.leaf("doctor"),
            Node.leaf("ha-check"),
            Node.leaf("completion"));

    /** Words after which picocli shows usage or the completion script: they need every command. */
    private static final Set<String> WHOLE_TREE_WORDS = Set.of("-h", "--help", "help", "completion");

    private Subcommands() {}

    /**
     * A fresh spec of the command at path (names below natctl, space-separated). A switch rather
     * than a table of method references: every lambda call site linked costs start-up time.
     */
    static CommandSpec spec(String path) {
        switch (path) {
            case "status":
                return StatusCommand.spec();
            case "forward":
                return Specs.examples(
                        Specs.group("Add, change, remove and show port forwards."),
                        "natctl forward list",
                        "natctl forward add redis --listen 6379 --to 10.0.1.230:6379",
                        "natctl forward set redis --to 10.0.1.240:6379",
                        "natctl forward remove redis");
            case "forward add":
                return ForwardAddCommand.spec();
            case "forward set":
                return ForwardSetCommand.spec();
            case "forward remove":
                return ForwardRemoveCommand.spec();
            case "forward list":
                return ForwardListCommand.spec();
            case "forward get":
                return ForwardGetCommand.spec();
            case "outbound":
                return Specs.examples(
                        Specs.group("Add, remove and list outbound PAT (masquerade of private subnets)."),
                        "natctl outbound add private --source 10.0.0.0/16 --out ens5",
                        "natctl outbound list");
            case "outbound add":
                return OutboundAddCommand.spec();
            case "outbound remove":
                return OutboundRemoveCommand.spec();
            case "outbound list":
                return OutboundListCommand.spec();
            case "cluster":
                return Specs.examples(
                        Specs.group("Follow Redis/Valkey and Memcached clusters: a forward per node, kept current."),
                        "natctl cluster add orders --engine redis --endpoint 10.0.1.10:6379 --listen 7000-7099",
                        "natctl cluster list",
                        "natctl cluster map orders");
            case "cluster add":
                return ClusterAddCommand.spec();
            case "cluster remove":
                return ClusterRemoveCommand.spec();
            case "cluster list":
                return ClusterListCommand.spec();
            case "cluster get":
                return ClusterGetCommand.spec();
            case "cluster refresh":
                return ClusterRefreshCommand.spec();
            case "cluster map":
                return ClusterMapCommand.spec();
            case "apply":
                return ApplyCommand.spec();
            case "export":
                return ExportCommand.spec();
            case "metrics":
                return MetricsCommand.spec();
            case "doctor":
                return DoctorCommand.spec();
            case "ha-check":
                return HaCheckCommand.spec();
            case "completion":
                return CompletionCommand.spec();
            default:
                throw new IllegalArgumentException("no natctl command " + path);
        }
    }

    /** Whether picocli will print a usage message for args (so its width is needed). */
    static boolean asksForHelp(String[] args) {
        for (String arg : args) {
            if ("-h".equals(arg) || "--help".equals(arg)) {
                return true;
            }
        }
        return false;
    }

    /** Adds to root the subcommands that args name (all of them for help and completion). */
    static void register(CommandLine root, String[] args) {
        Set<String> words = Set.copyOf(Arrays.asList(args));
        boolean wholeTree = false;
        for (String word : WHOLE_TREE_WORDS) {
            wholeTree |= words.contains(word);
        }
        register(root, "", TREE, wholeTree ? null : words);
    }

    /** words null: register every node below parent. */
    private static void register(CommandLine parent, String parentPath, List<Node> nodes, Set<String> words) {
        boolean anyNamed = false;
        for (Node node : nodes) {
            anyNamed |= words != null && words.contains(node.name());
        }
        for (Node node : nodes) {
            if (!anyNamed || words.contains(node.name())) {
                String path = parentPath.isEmpty() ? node.name() : parentPath + " " + node.name();
                CommandLine child = new CommandLine(spec(path));
                // Added before its own subcommands, so that those inherit natctl's global options.
                parent.addSubcommand(node.name(), child);
                register(child, path, node.children(), anyNamed ? words : null);
            }
        }
    }
}
