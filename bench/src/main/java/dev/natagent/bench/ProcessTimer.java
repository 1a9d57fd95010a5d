package dev.natagent.bench;

import dev.natagent.testing.ExecResult;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Times whole tool processes ({@code nft}, {@code iptables-restore}) inside a namespace. bash reads
 * {@code $EPOCHREALTIME} just before it forks the tool and just after the tool exits, so a figure is
 * the process's full wall time (fork, exec, start-up, work, exit) and excludes {@code ip netns exec}.
 */
final class ProcessTimer {
    /** $1 stdin file, rest the command; prints "rc start_us end_us". */
    private static final String TIME_ONE =
            """
            in=$1; shift
            t0=$EPOCHREALTIME
            "$@" <"$in" >/dev/null
            rc=$?
            t1=$EPOCHREALTIME
            echo "$rc ${t0/[.,]/} ${t1/[.,]/}"
            """;

    /**
     * $1 count, $2 seconds limit, $3 first port, $4 table, $5 map, $6 element data: adds then
     * deletes one UDP element per iteration, each by its own nft process; prints "t0 t1 t2" a line.
     */
    private static final String ADD_DELETE_LOOP =
            """
            for ((i = 0; i < $1; i++)); do
              port=$(($3 + i))
              t0=$EPOCHREALTIME
              nft add element ip "$4" "$5" "{ udp . $port : $6 }" || exit 3
              t1=$EPOCHREALTIME
              nft delete element ip "$4" "$5" "{ udp . $port }" || exit 4
              t2=$EPOCHREALTIME
              echo "${t0/[.,]/} ${t1/[.,]/} ${t2/[.,]/}"
              if ((SECONDS >= $2)); then break; fi
            done
            """;

    private ProcessTimer() {}

    /** Wall time of {@code command} run once in {@code netns} with stdin from {@code stdinFile}, in ms. */
    static double timeMillis(Netns netns, String stdinFile, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("bash", "-c", TIME_ONE, "bench", stdinFile));
        args.addAll(List.of(command));
        ExecResult result = netns.exec(args.toArray(String[]::new));
        String[] fields = lastLine(result).split(" ");
        if (fields.length != 3 || !fields[0].equals("0")) {
            throw new IOException(
                    String.join(" ", command) + " failed in " + netns + ": " + result.stdout() + result.stderr());
        }
        return (Long.parseLong(fields[2]) - Long.parseLong(fields[1])) / 1000.0;
    }

    /** Per-process times of {@code nft add element} and {@code nft delete element}, in ms. */
    record AddDelete(Samples add, Samples delete) {}

    /**
     * Runs up to {@code count} add/delete pairs of UDP elements from {@code firstPort} on, each an
     * nft process of its own, stopping early after {@code limitSeconds}.
     */
    static AddDelete addDeleteProcesses(Netns netns, int count, int limitSeconds, int firstPort, String data)
            throws IOException {
        ExecResult result = netns.exec(
                "bash",
                "-c",
                ADD_DELETE_LOOP,
                "bench",
                Integer.toString(count),
                Integer.toString(limitSeconds),
                Integer.toString(firstPort),
                Ruleset.TABLE,
                Ruleset.MAP,
                data);
        String[] lines = result.stdout().isBlank()
                ? new String[0]
                : result.stdout().strip().split("\n");
        if (!result.ok() || lines.length == 0) {
            throw new IOException("nft add/delete element processes failed in " + netns + " (exit " + result.exitCode()
                    + "): " + result.stderr());
        }
        double[] add = new double[lines.length];
        double[] delete = new double[lines.length];
        for (int i = 0; i < lines.length; i++) {
            String[] t = lines[i].split(" ");
            add[i] = (Long.parseLong(t[1]) - Long.parseLong(t[0])) / 1000.0;
            delete[i] = (Long.parseLong(t[2]) - Long.parseLong(t[1])) / 1000.0;
        }
        return new AddDelete(Samples.ofMillis(add), Samples.ofMillis(delete));
    }

    private static String lastLine(ExecResult result) {
        String[] lines = result.stdout().strip().split("\n");
        return lines[lines.length - 1];
    }
}
