package dev.natagent.agent.model;

import java.util.List;

/** Rules for the names of forwards and outbounds (they appear in nft comments and metric names). */
public final class Names {
    private static final int MAX_NAME = 63;
    /** Linux IFNAMSIZ is 16 including the terminating NUL. */
    public static final int MAX_INTERFACE_NAME = 15;

    private Names() {}

    /**
     * {@code [a-z0-9][a-z0-9_.-]{0,62}}, checked by hand: a regex matcher per name was a visible
     * share of reading a 50,000-forward document.
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

    /** The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or whitespace. */
    public static boolean isValidInterface(String name) {
        return !name.isEmpty()
                && name.length() <= MAX_INTERFACE_NAME
                && !name.equals(".")
                && !name.equals("..")
                && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != ':');
    }
}
