package dev.natagent.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.natagent.agent.config.ConfigException;
import dev.natagent.agent.config.ConfigFile;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.StateChange;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random bytes and mutated JSON into every loader: the only outcomes allowed are a value, a
 * ValidationException (JSON), a ConfigException (config file) or a StateCorruptException (state
 * directory). Seeded, so a failure reproduces; {@code -Dnatagent.fuzz.cases=100000} for a long run
 * (the default keeps the suite fast).
 */
class LoaderFuzzTest {
    private static final int CASES = Integer.getInteger("natagent.fuzz.cases", 3000);
    /** Each state case writes and opens a store on disk (fsyncs): fewer by default, all when asked. */
    private static final int STATE_CASES = Integer.getInteger("natagent.fuzz.cases", 300);

    private static final long SEED = Long.getLong("natagent.fuzz.seed", 20261126L);
    private static final String[] TOKENS = {
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "null",
        "true",
        "-1",
        "0",
        "65536",
        "1e309",
        "\"\\u0000\"",
        "\"6379-6381\"",
        "\"name\"",
        "\"listen\"",
        "\"to\"",
        "\"forwards\"",
        "\"schema_version\"",
        "\"op\"",
        "\"put_forward\"",
        "{}",
        "[]",
        "\"10.0.1.230:6379\"",
        "\"::\"",
        "\"a\"",
        "\uFFFF",
        "\n"
    };

    @TempDir
    Path dir;

    private static final String VALID_CONFIG =
            """
            {"daemon":{"state_dir":"/var/lib/nat-agent"},
             "settings":{"manage_ip_forward":true,"resolve_interval_seconds":30,"ssh_port":22},
             "forwards":[{"name":"redis","proto":"tcp","listen":"6379-6381",
               "to":["10.0.1.230:6379","10.0.1.231:6379","node.example.com:6379"],
               "allow":["198.51.100.27/32"],"snat":"10.0.0.55"}],
             "outbounds":[{"name":"private","source":["10.0.0.0/16"],"out":"ens5"}]}""";

    @Test
    void jsonLoadersOnlyThrowTypedErrors() {
        long started = System.nanoTime();
        Random random = new Random(SEED);
        byte[] valid = VALID_CONFIG.getBytes(StandardCharsets.UTF_8);
        String validState = ModelJson.write(configState());
        for (int i = 0; i < CASES; i++) {
            byte[] input = i % 4 == 0
                    ? randomBytes(random)
                    : mutate(random, i % 2 == 0 ? valid : validState.getBytes(StandardCharsets.UTF_8));
            expectOnly(input, () -> ModelJson.read(input, NatState.class), ValidationException.class);
            expectOnly(input, () -> ModelJson.read(input, Forward.class), ValidationException.class);
            expectOnly(input, () -> ModelJson.read(input, StateChange.class), ValidationException.class);
            expectOnly(input, () -> ConfigFile.parse(Path.of("fuzz.json"), input), ConfigException.class);
        }
        System.out.printf(
                "fuzz LoaderFuzzTest#jsonLoadersOnlyThrowTypedErrors: %d cases, seed %d, %d ms%n",
                CASES, SEED, (System.nanoTime() - started) / 1_000_000);
    }

    @Test
    void stateDirectoryLoadsOrIsCorrupt() throws Exception {
        long started = System.nanoTime();
        Random random = new Random(SEED + 1);
        Path good = dir.resolve("good");
        NatState state = configState();
        try (StateStore store = StateStore.open(good)) {
            store.append(StateDiff.between(NatState.empty(), state).changes());
            store.compact();
            store.append(List.of(new StateChange.RemoveForward("redis")));
            store.append(StateDiff.between(store.state(), state).changes());
        }
        byte[] snapshot = Files.readAllBytes(good.resolve(StateStore.SNAPSHOT));
        byte[] journal = Files.readAllBytes(good.resolve(StateStore.JOURNAL));
        Path trial = dir.resolve("trial");
        for (int i = 0; i < STATE_CASES; i++) {
            clear(trial); // one directory, refilled per case, so a 100k-case run stays small on disk
            boolean breakSnapshot = random.nextBoolean();
            Files.write(trial.resolve(StateStore.SNAPSHOT), breakSnapshot ? mutate(random, snapshot) : snapshot);
            Files.write(trial.resolve(StateStore.JOURNAL), breakSnapshot ? journal : mutate(random, journal));
            try (StateStore store = StateStore.open(trial)) {
                // Loading may succeed (e.g. a harmless mutation or a torn tail); then it must be self-consistent.
                assertEquals(
                        store.state(),
                        StateChange.applyAll(
                                NatState.empty(),
                                StateDiff.between(NatState.empty(), store.state())
                                        .changes()));
            } catch (StateCorruptException expected) {
                // the typed outcome
            } catch (Exception | Error e) {
                fail("case " + i + " (seed " + SEED + "): unexpected " + e, e);
            }
        }
        System.out.printf(
                "fuzz LoaderFuzzTest#stateDirectoryLoadsOrIsCorrupt: %d cases, seed %d, %d ms%n",
                STATE_CASES, SEED + 1, (System.nanoTime() - started) / 1_000_000);
    }

    private static void clear(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(directory);
    }

    private static NatState configState() {
        try {
            return ConfigFile.parse(Path.of("valid.json"), VALID_CONFIG.getBytes(StandardCharsets.UTF_8))
                    .desired();
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    interface Load {
        Object run() throws Exception;
    }

    private static void expectOnly(byte[] input, Load load, Class<? extends Exception> allowed) {
        try {
            load.run();
        } catch (Exception e) {
            if (!allowed.isInstance(e)) {
                fail("input " + new String(input, StandardCharsets.UTF_8) + " gave " + e, e);
            }
        } catch (StackOverflowError | OutOfMemoryError e) {
            fail("input of " + input.length + " bytes gave " + e);
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** 1-4 mutations: flip a byte, delete a span, insert a JSON token, duplicate a span, or truncate. */
    static byte[] mutate(Random random, byte[] original) {
        byte[] bytes = original;
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(5)) {
                case 0 -> {
                    bytes = bytes.clone();
                    bytes[at] = (byte) random.nextInt(256);
                }
                case 1 -> bytes = splice(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(20)), new byte[0]);
                case 2 -> bytes =
                        splice(bytes, at, at, TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                case 3 -> {
                    int end = Math.min(bytes.length, at + 1 + random.nextInt(60));
                    bytes = splice(bytes, at, at, Arrays.copyOfRange(bytes, at, end));
                }
                default -> bytes = Arrays.copyOf(bytes, at);
            }
        }
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
        byte[] out = new byte[bytes.length - (to - from) + insert.length];
        System.arraycopy(bytes, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(bytes, to, out, from + insert.length, bytes.length - to);
        return out;
    }
}
