package dev.natagent.agent.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** What natctl says about a command line it cannot parse, beyond picocli's own message. */
final class UsageErrors {
    private UsageErrors() {}

    /**
     * The error to report. picocli checks required options after reading every argument, so a
     * misspelt required option ({@code --lisen}) is reported as the missing one; the word the user
     * typed, with a suggestion, says more.
     */
    static ParameterException explain(ParameterException exception) {
        CommandLine commandLine = exception.getCommandLine();
        if (exception instanceof MissingParameterException) {
            List<String> unmatched = commandLine.getUnmatchedArguments();
            for (String argument : unmatched) {
                if (argument.startsWith("-")) {
                    return new UnmatchedArgumentException(commandLine, unmatched);
                }
            }
        }
        return exception;
    }

    /**
     * picocli's message, except for unknown words: "unknown command 'froward'" rather than
     * "Unmatched arguments from index 0: 'froward', 'list'" (the rest follows from the first).
     */
    static String message(ParameterException exception) {
        if (exception instanceof UnmatchedArgumentException unmatched
                && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            if (first.startsWith("-")) {
                return "unknown option '" + first + "'";
            }
            boolean group = !exception.getCommandLine().getSubcommands().isEmpty();
            return (group ? "unknown command '" : "unexpected argument '") + first + "'";
        }
        return exception.getMessage();
    }

    /** Commands or options close to an unknown word ({@code froward} -> forward, {@code --lisen} -> --listen). */
    static List<String> suggestions(ParameterException exception) {
        List<String> suggestions = new ArrayList<>();
        if (exception instanceof UnmatchedArgumentException unmatched) {
            String typed = unmatched.getUnmatched().isEmpty()
                    ? ""
                    : unmatched.getUnmatched().get(0);
            for (String suggestion : unmatched.getSuggestions()) {
                // picocli suggests generously; only a word a typo away is what the user meant.
                if (!suggestions.contains(suggestion)
                        && distance(typed, suggestion) <= Math.max(2, suggestion.length() / 3)) {
                    suggestions.add(suggestion);
                }
            }
        }
        return suggestions.size() > 3 ? suggestions.subList(0, 3) : suggestions;
    }

    /** Levenshtein distance: the edits (insert, delete, replace one character) from a to b. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** Whether --json is among the arguments as an option (not after "--", where it is a value). */
    static boolean jsonRequested(String[] args) {
        for (String arg : args) {
            if ("--".equals(arg)) {
                return false;
            }
            if ("--json".equals(arg)) {
                return true;
            }
        }
        return false;
    }
}
