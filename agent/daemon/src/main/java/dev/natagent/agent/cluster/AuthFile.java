package dev.natagent.agent.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * A cluster's credentials file: one line, {@code PASSWORD} or {@code USER PASSWORD} (an ACL user).
 * It must be a regular file that other users cannot read or write (mode 0600 or 0640, owned by
 * root or the agent's user). Read at every poll, so rotating the password is editing the file;
 * its content is never logged, exported or shown, and errors name only its path.
 */
final class AuthFile {
    private static final int MAX_BYTES = 4096;
    private static final Set<PosixFilePermission> OTHERS = Set.of(
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private AuthFile() {}

    /** The AUTH command's arguments. */
    record Credentials(String user, String password) {
        List<String> authCommand() {
            return user == null ? List.of("AUTH", password) : List.of("AUTH", user, password);
        }

        @Override
        public String toString() {
            return "Credentials[" + (user == null ? "default user" : user) + ", password hidden]";
        }
    }

    static Credentials read(String file) throws DiscoveryException {
        Path path = Path.of(file);
        String text;
        try {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw failed(file, "is not a regular file");
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (mode.stream().anyMatch(OTHERS::contains)) {
                throw failed(file, "is open to other users; chmod 600 (or 640 with the agent's group) it");
            }
            if (Files.size(path) > MAX_BYTES) {
                throw failed(file, "is larger than " + MAX_BYTES + " bytes");
            }
            text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw failed(file, "does not exist");
        } catch (IOException e) {
            throw failed(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String[] words = text.split("\\s+");
        if (text.isEmpty() || words.length > 2 || text.contains("\n")) {
            throw failed(file, "must hold one line: PASSWORD, or USER PASSWORD");
        }
        return words.length == 1 ? new Credentials(null, words[0]) : new Credentials(words[0], words[1]);
    }

    private static DiscoveryException failed(String file, String why) {
        return new DiscoveryException(DiscoveryException.Kind.AUTH_FAILED, "auth file " + file + " " + why);
    }
}
