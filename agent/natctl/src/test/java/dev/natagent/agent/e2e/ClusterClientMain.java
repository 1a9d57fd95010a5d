package dev.natagent.agent.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The main of a child JVM started inside the client namespace, so every connection the client
 * library opens really comes from there: a Redis cluster client seeded with the NAT's address.
 * Arguments: {@code LIBRARY HOST PORT MAP_FILE|- [CA_FILE]}, LIBRARY one of lettuce, jedis,
 * lettuce-advertised-name, jedis-advertised-name (TLS names checked as {@link AdvertisedNames} does). It prints "ready" (or "error
 * ...") and then answers each line on stdin with one line: "write NAME" sets one key in every
 * slot, "check NAME" reads them back; the answer is "ok COUNT" or "error FAILED/COUNT: FIRST".
 * Whatever the libraries print goes to stderr.
 */
public final class ClusterClientMain {
    private ClusterClientMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream answers = System.out;
        System.setOut(System.err);
        Path map = args[3].equals("-") ? null : Path.of(args[3]);
        Path ca = args.length > 4 ? Path.of(args[4]) : null;
        int port = Integer.parseInt(args[2]);
        ClusterKeys keys;
        try {
            keys = switch (args[0]) {
                case "lettuce" -> LettuceKeys.connect(args[1], port, map, ca, false);
                case "lettuce-advertised-name" -> LettuceKeys.connect(args[1], port, map, ca, true);
                case "jedis" -> JedisKeys.connect(args[1], port, map, ca, false);
                case "jedis-advertised-name" -> JedisKeys.connect(args[1], port, map, ca, true);
                default -> throw new IllegalArgumentException("no client library " + args[0]);
            };
        } catch (Exception e) {
            answers.println("error " + describe(e));
            return;
        }
        try (keys) {
            answers.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                answers.println(answer(keys, line.split(" ")));
            }
        }
        // Client libraries may leave non-daemon threads behind: the answers are out, so leave.
        System.exit(0);
    }

    private static String answer(ClusterKeys keys, String[] request) {
        List<String> slotKeys = SlotKeys.named(request[1]);
        List<String> failures =
                switch (request[0]) {
                    case "write" -> keys.set(slotKeys, request[1]);
                    case "check" -> keys.check(slotKeys, request[1]);
                    default -> List.of("no such request: " + request[0]);
                };
        return failures.isEmpty()
                ? "ok " + slotKeys.size()
                : "error " + failures.size() + "/" + slotKeys.size() + ": " + failures.get(0);
    }

    /** An exception, its causes and what it suppressed (Jedis keeps each failed attempt there), on one line. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(text.length() == 0 ? "" : " <- ")
                    .append(t.getClass().getSimpleName())
                    .append(": ")
                    .append(t.getMessage());
            for (Throwable suppressed : t.getSuppressed()) {
                text.append(" [").append(describe(suppressed)).append(']');
            }
        }
        return text.toString().replace('\n', ' ');
    }
}
