package dev.natagent.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Two sections of natctl's help in its own words. The synopsis names what a command needs and
 * "[OPTIONS]" for the rest, wrapped between words only (picocli's breaks inside a label such as
 * HOST:PORT). The option list leaves out natctl's global options on subcommands: natctl --help
 * lists them once, and a subcommand's help says so in one line.
 */
final class HelpSections implements IHelpSectionRenderer {
    /** An example command line is indented this much; its continuation lines twice as much. */
    static final String EXAMPLE_INDENT = "  ";

    private final String section;

    private HelpSections(String section) {
        this.section = section;
    }

    /** Into the help of command and every command below it. */
    static void install(CommandLine command) {
        install(command.getCommandSpec());
        for (CommandLine sub : command.getSubcommands().values()) {
            install(sub);
        }
    }

    private static void install(CommandSpec spec) {
        Map<String, IHelpSectionRenderer> sections = spec.usageMessage().sectionMap();
        for (String section : new String[] {
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER
        }) {
            sections.put(section, new HelpSections(section));
        }
    }

    @Override
    public String render(Help help) {
        switch (section) {
            case CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS:
                return synopsis(help);
            case CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST:
                return options(help);
            default:
                return footer(help);
        }
    }

    /**
     * The footer's lines wrapped between words; an example command line (indented) goes on with
     * " \\" and a deeper indent, so that it can still be copied into a shell.
     */
    private static String footer(Help help) {
        int width = help.commandSpec().usageMessage().width();
        StringBuilder text = new StringBuilder();
        for (String line : help.commandSpec().usageMessage().footer()) {
            boolean example = line.startsWith(EXAMPLE_INDENT);
            String indent = example ? EXAMPLE_INDENT : "";
            String continuation = example ? EXAMPLE_INDENT + EXAMPLE_INDENT + EXAMPLE_INDENT : "";
            // An example's continuation lines are indented and its broken lines end in " \\".
            int room = example ? width - continuation.length() - 2 : width;
            List<String> wrapped = TextTable.wrapWords(units(line.trim()), room);
            for (int i = 0; i < wrapped.size(); i++) {
                text.append(i == 0 ? indent : continuation).append(wrapped.get(i));
                text.append(example && i < wrapped.size() - 1 ? " \\\n" : "\n");
            }
        }
        return text.toString();
    }

    /** The words of a line; in a command line an option and its value stay together ("--listen 6379"). */
    private static List<String> units(String line) {
        List<String> units = new ArrayList<>();
        String[] words = line.split(" +");
        for (int i = 0; i < words.length; i++) {
            if (words[i].startsWith("-") && i + 1 < words.length && !words[i + 1].startsWith("-")) {
                units.add(words[i] + " " + words[++i]);
            } else {
                units.add(words[i]);
            }
        }
        return units;
    }

    private static String synopsis(Help help) {
        CommandSpec spec = help.commandSpec();
        List<String> words = new ArrayList<>();
        for (PositionalParamSpec positional : spec.positionalParameters()) {
            if (!positional.hidden()) {
                words.add(positional.required() ? positional.paramLabel() : "[" + positional.paramLabel() + "]");
            }
        }
        for (OptionSpec option : spec.options()) {
            if (option.required() && !option.hidden()) {
                words.add(option.longestName() + "=" + label(option));
            }
        }
        words.add("[OPTIONS]");
        if (!spec.subcommands().isEmpty()) {
            words.add("COMMAND");
        }
        String name = spec.qualifiedName();
        int indent = help.synopsisHeadingLength() + name.length() + 1;
        int width = spec.usageMessage().width();
        StringBuilder text = new StringBuilder(name);
        int column = indent - 1;
        for (String word : words) {
            if (column + 1 + word.length() > width && column > indent) {
                text.append('\n').append(" ".repeat(indent)).append(word);
                column = indent + word.length();
            } else {
                text.append(' ').append(word);
                column += 1 + word.length();
            }
        }
        return text.append('\n').toString();
    }

    private static String label(OptionSpec option) {
        String label = option.paramLabel();
        return option.splitRegex().isEmpty() ? label : label + "[," + label + "...]";
    }

    private static String options(Help help) {
        CommandSpec spec = help.commandSpec();
        List<OptionSpec> own = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (!option.hidden() && !option.inherited()) {
                own.add(option);
            }
        }
        String list = help.optionListExcludingGroups(own);
        if (spec.parent() == null) {
            return list;
        }
        return list + "Global options (--socket, --json, --timeout) are in natctl --help.\n";
    }
}
