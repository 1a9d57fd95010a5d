package dev.natagent.agent.validation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP ports the local sshd listens on, read from sshd_config: every {@code Port} line, ports
 * given in {@code ListenAddress host:port}, following {@code Include} (globs, relative to the main
 * file's directory as sshd does for /etc/ssh). No Port line means 22. Errs on the side of more
 * ports: a missing or unreadable file still yields 22, since the point is not locking users out.
 */
public final class SshdConfig {
    public static final Path DEFAULT_PATH = Path.of("/etc/ssh/sshd_config");
    public static final int DEFAULT_PORT = 22;
    private static final int MAX_INCLUDE_DEPTH = 8;

    private SshdConfig() {}

    public static Set<Integer> ports(Path config) {
        Set<Integer> portLines = new TreeSet<>();
        Set<Integer> listenPorts = new TreeSet<>();
        read(config, config.toAbsolutePath().getParent(), 0, portLines, listenPorts);
        Set<Integer> ports = new TreeSet<>(listenPorts);
        if (portLines.isEmpty()) {
            ports.add(DEFAULT_PORT);
        } else {
            ports.addAll(portLines);
        }
        return Set.copyOf(ports);
    }

    private static void read(Path file, Path baseDir, int depth, Set<Integer> portLines, Set<Integer> listenPorts) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | RuntimeException e) {
            // Unreadable or not UTF-8: fall back to the default port rather than guess.
            return;
        }
        for (String raw : lines) {
            String line = stripComment(raw).trim();
            String[] words = line.split("[\\s=]+", 2);
            if (words.length < 2) {
                continue;
            }
            String keyword = words[0].toLowerCase(Locale.ROOT);
            String value = words[1].trim();
            switch (keyword) {
                case "port" -> parsePort(value).ifPresent(portLines::add);
                case "listenaddress" -> listenAddressPort(value).ifPresent(listenPorts::add);
                case "include" -> {
                    if (depth < MAX_INCLUDE_DEPTH) {
                        for (Path included : expand(value, baseDir)) {
                            read(included, baseDir, depth + 1, portLines, listenPorts);
                        }
                    }
                }
                default -> {
                    // Other keywords do not decide where sshd listens.
                }
            }
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    private static Optional<Integer> parsePort(String text) {
        String digits = text.split("\\s+")[0];
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        int port = Integer.parseInt(digits);
        return port >= 1 && port <= 65535 ? Optional.of(port) : Optional.empty();
    }

    /** {@code 0.0.0.0:2222}, {@code [::]:2222} or {@code host:2222 rdomain}; a bare host has no port. */
    private static Optional<Integer> listenAddressPort(String value) {
        String address = value.split("\\s+")[0];
        int close = address.lastIndexOf(']');
        int colon = address.lastIndexOf(':');
        boolean bracketed = address.startsWith("[");
        if (bracketed ? colon > close : colon > 0 && address.indexOf(':') == colon) {
            return parsePort(address.substring(colon + 1));
        }
        return Optional.empty();
    }

    private static List<Path> expand(String patterns, Path baseDir) {
        List<Path> files = new ArrayList<>();
        for (String pattern : patterns.split("\\s+")) {
            Path path = baseDir.resolve(pattern);
            Path dir = path.getParent();
            String glob = path.getFileName().toString();
            if (dir == null || !Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> matches = Files.newDirectoryStream(dir, glob)) {
                List<Path> sorted = new ArrayList<>();
                matches.forEach(sorted::add);
                sorted.sort(null);
                files.addAll(sorted);
            } catch (IOException | RuntimeException e) {
                // An unreadable include directory adds no ports; the default still applies.
            }
        }
        return files;
    }
}
