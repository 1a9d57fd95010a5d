package dev.natagent.agent.model;

import java.util.List;

/** Rules for the names of forwards and outbounds (they appear in nft comments and metric names). */
public final class Names {
    private static final int MAX_NAME = 63;
    /** Linux IFNAMSIZ is 16 including the terminating NUL. */
    public static final int MAX_INTERFACE_NAME = 15;

    private Names() {}

    /**
     * {@code [a-z0-9][a-z0-9_.-]{0,62}}, checked by hand: a regex matcher per name would be a
     * visible share of reading a large document.
     */
    public static boolean isValidName(String name) {
        int length = name.length();
        if (length == 0 || length > MAX_NAME) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!letterOrDigit && (i == 0 || (c != '_' && c != '.' && c != '-'))) {
                return false;
            }
        }
        return true;
    }

    /** Adds an INVALID_NAME or MISSING_FIELD error for {@code field} when {@code name} is not valid. */
    static void checkName(String field, String name, List<FieldError> errors) {
        if (name == null) {
            errors.add(new FieldError(field, ErrorCode.MISSING_FIELD, field + " is required"));
        } else if (!isValidName(name)) {
            errors.add(new FieldError(
                    field, ErrorCode.INVALID_NAME, "name '" + name + "' must match [a-z0-9][a-z0-9_.-]{0,62}"));
        }
    }

    /**
     * An interface name both nft and iptables carry as written: 1-15 characters (the kernel's
     * IFNAMSIZ, including a wildcard) of letters, digits, '_', '.' and '-', not "." or "..",
     * optionally ending in one '*' that matches every name with that prefix (iptables writes it
     * '+'). Quotes, whitespace, '/', ':' and '+' would change meaning in one of the two syntaxes.
     */
    public static boolean isValidInterface(String name) {
        int length = name.length();
        int plain = name.endsWith("*") ? length - 1 : length;
        if (plain == 0 || length > MAX_INTERFACE_NAME || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < plain; i++) {
            char c = name.charAt(i);
            boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!letterOrDigit && c != '_' && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses text holding a control character (NUL, newline, DEL, ...): the parsers trim
     * whitespace, and a control character trimmed away silently would make the stored value differ
     * from what was sent.
     */
    public static void refuseControlCharacters(String text, ErrorCode code) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                throw new ValidationException(
                        "",
                        code,
                        "'" + escape(text) + "' contains a control character (" + String.format("U+%04X", (int) c)
                                + " at position " + (i + 1) + ")");
            }
        }
    }

    /** {@code text} fit for a message: control characters as backslash-u escapes. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }
}
