package dev.natagent.agent.model;

import java.util.List;
import java.util.regex.Pattern;

/** Rules for the names of forwards and outbounds (they appear in nft comments and metric names). */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
    /** Linux IFNAMSIZ is 16 including the terminating NUL. */
    public static final int MAX_INTERFACE_NAME = 15;

    private Names() {}

    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
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
