package dev.natagent.agent.service;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.reconcile.Listing;
import dev.natagent.agent.reconcile.NftPort;
import dev.natagent.nft.Batch;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.client.ElementReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Acknowledged single-forward change through {@link NatService} (validation, element batch on the
 * in-memory kernel, journal with fsync) at a state of N forwards: {@code AckBench N PAIRS} prints
 * the median add and remove in milliseconds, without the time spent inside the in-memory kernel
 * (its interval checks are O(N), unlike the real kernel's; the real kernel's element batch is
 * measured by {@code bench/agent-bench.sh}).
 */
public final class AckBench {
    private AckBench() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int pairs = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("ackbench");
        KernelTimer kernelTime = new KernelTimer();
        try (ServiceFixture agent = ServiceFixture.fresh(dir, kernelTime::around)) {
            List<Forward> forwards = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                forwards.add(forward("f" + i, 10_000 + i));
            }
            agent.service.apply(NatState.of(Settings.DEFAULTS, forwards, List.of()), false);
            double[] adds = new double[pairs];
            double[] removes = new double[pairs];
            Forward extra = forward("extra", 9_000);
            for (int i = 0; i < pairs; i++) {
                long k0 = kernelTime.nanos;
                long t0 = System.nanoTime();
                agent.service.addForward(extra, false);
                long k1 = kernelTime.nanos;
                long t1 = System.nanoTime();
                agent.service.removeForward("extra");
                long t2 = System.nanoTime();
                adds[i] = (t1 - t0 - (k1 - k0)) / 1e6;
                removes[i] = (t2 - t1 - (kernelTime.nanos - k1)) / 1e6;
            }
            System.out.printf(Locale.ROOT, "N=%d add %.3f ms remove %.3f ms%n", n, median(adds), median(removes));
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Adds up the time spent in the kernel's {@code commit}. */
    private static final class KernelTimer {
        long nanos;

        NftPort around(NftPort kernel) {
            return new NftPort() {
                @Override
                public int generation() throws IOException {
                    return kernel.generation();
                }

                @Override
                public Listing list(String table, Set<String> withoutElements) throws IOException {
                    return kernel.list(table, withoutElements);
                }

                @Override
                public void forEachElement(String table, String set, ElementReader reader) throws IOException {
                    kernel.forEachElement(table, set, reader);
                }

                @Override
                public List<SetElement> listElements(String table, String set) throws IOException {
                    return kernel.listElements(table, set);
                }

                @Override
                public List<SetElement> getElements(String table, String set, List<SetElement> keys)
                        throws IOException {
                    return kernel.getElements(table, set, keys);
                }

                @Override
                public void commit(Batch batch) throws IOException {
                    long start = System.nanoTime();
                    try {
                        kernel.commit(batch);
                    } finally {
                        nanos += System.nanoTime() - start;
                    }
                }
            };
        }
    }

    private static Forward forward(String name, int port) {
        return new Forward(
                name,
                Protocol.TCP,
                PortRange.parse(Integer.toString(port)),
                List.of(Target.parse("10.0.1." + (1 + port % 250) + ":6379")),
                List.of(Cidr.parse("198.51.100.0/24")),
                ReturnPath.MASQUERADE);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
