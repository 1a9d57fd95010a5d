package dev.natagent.agent.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Group membership read from {@code /etc/passwd} and {@code /etc/group} with the JDK (files only,
 * like {@code getent} with the files NSS source). Re-read on each lookup so that adding an operator
 * to the group needs no agent restart; the files are small.
 */
public final class GroupDatabase {
    private final Path passwd;
    private final Path group;

    public GroupDatabase(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    public static GroupDatabase system() {
        return new GroupDatabase(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    /** The group's gid, if the group exists. */
    public Optional<Integer> gidOf(String groupName) {
        return groupEntry(groupName).flatMap(fields -> parseId(fields[2]));
    }

    /** True when uid's primary group is the named group or uid's user is listed as a member. */
    public boolean isMember(int uid, String groupName) {
        Optional<String[]> groupFields = groupEntry(groupName);
        if (groupFields.isEmpty()) {
            return false;
        }
        Optional<String[]> user = lines(passwd).stream()
                .map(line -> line.split(":", -1))
                .filter(fields -> fields.length >= 4 && parseId(fields[2]).equals(Optional.of(uid)))
                .findFirst();
        if (user.isEmpty()) {
            return false;
        }
        String userName = user.get()[0];
        if (user.get()[3].equals(groupFields.get()[2])) {
            return true;
        }
        String members = groupFields.get().length > 3 ? groupFields.get()[3] : "";
        return Arrays.asList(members.split(",")).contains(userName);
    }

    private Optional<String[]> groupEntry(String groupName) {
        return lines(group).stream()
                .map(line -> line.split(":", -1))
                .filter(fields -> fields.length >= 3 && fields[0].equals(groupName))
                .findFirst();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            // An unreadable database grants nobody anything; root is decided before we get here.
            return List.of();
        }
    }

    private static Optional<Integer> parseId(String text) {
        try {
            return Optional.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
