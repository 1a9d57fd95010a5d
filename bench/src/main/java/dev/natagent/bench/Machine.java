package dev.natagent.bench;

import dev.natagent.testing.ExecResult;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the figures were measured on: they mean little without it. */
record Machine(int cpus, String cpuModel, String kernel, String java, String jvmArgs, String nft, String iptables) {
    /** Reads the machine; tool versions are asked inside {@code netns}, like every other tool run. */
    static Machine describe(Netns netns) throws IOException {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                readCpuModel(),
                System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + Runtime.version(),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
                firstLine(netns.exec("nft", "--version")),
                firstLine(netns.exec("sh", "-c", "iptables --version 2>/dev/null || echo 'not installed'")));
    }

    /** The 1-minute load average: other work on the machine slows every method alike. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String readCpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return lines.stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String firstLine(ExecResult result) {
        String out = result.stdout().strip();
        return out.isEmpty() ? "unknown" : out.split("\n")[0];
    }
}
