package dev.natagent.agent.sysctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the kernel settings a NAT instance needs: {@code net.ipv4.ip_forward=1} and {@code
 * net.ipv4.conf.all.send_redirects=0}. Each key is read first and written only when it differs:
 * writing ip_forward resets other per-interface settings, so a needless write is harmful. Nothing
 * is written when the settings say not to manage them (the state is still read and reported).
 * The sysctl root is injectable ({@code /proc/sys} in production, a temp tree in tests).
 * Thread-safe.
 */
public final class Sysctls {
    public static final String IP_FORWARD = "net.ipv4.ip_forward";
    public static final String SEND_REDIRECTS = "net.ipv4.conf.all.send_redirects";
    /** The wanted values, in the order they are applied. */
    public static final Map<String, String> WANTED = wanted();

    private static final Logger LOG = Logger.getLogger(Sysctls.class.getName());

    private final Path root;
    private long writes;
    private Optional<String> lastError = Optional.empty();
    private boolean managed = true;

    public Sysctls(Path root) {
        this.root = root;
    }

    public static Sysctls proc() {
        return new Sysctls(Path.of("/proc/sys"));
    }

    private static Map<String, String> wanted() {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(IP_FORWARD, "1");
        wanted.put(SEND_REDIRECTS, "0");
        return Collections.unmodifiableMap(wanted);
    }

    /**
     * Reads every key and, when {@code manage}, writes those that differ from the wanted value.
     *
     * @return the state after this call; failures are in {@link SysctlStatus#lastError}, never thrown
     */
    public synchronized SysctlStatus ensure(boolean manage) {
        managed = manage;
        Map<String, Optional<String>> seen = new LinkedHashMap<>();
        // Every failure is kept: a later key's error must not hide that ip_forward could not be set.
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, String> entry : WANTED.entrySet()) {
            String key = entry.getKey();
            Optional<String> value;
            try {
                value = Optional.of(read(key));
            } catch (IOException e) {
                errors.add("cannot read " + key + ": " + e.getMessage());
                seen.put(key, Optional.empty());
                continue;
            }
            if (manage && !value.get().equals(entry.getValue())) {
                try {
                    write(key, entry.getValue());
                    writes++;
                    LOG.log(Level.INFO, "set {0} = {1} (was {2})", new Object[] {key, entry.getValue(), value.get()});
                    value = Optional.of(read(key));
                } catch (IOException e) {
                    String error = "cannot write " + key + "=" + entry.getValue() + ": " + e.getMessage();
                    errors.add(error);
                    LOG.log(Level.SEVERE, error);
                }
            }
            seen.put(key, value);
        }
        lastError = errors.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", errors));
        return new SysctlStatus(managed, seen, writes, lastError);
    }

    /**
     * The keys as they are now (read at this call: another tool may have changed them since the
     * last check), with the write count and the errors of the last check.
     */
    public synchronized SysctlStatus status() {
        Map<String, Optional<String>> now = new LinkedHashMap<>();
        for (String key : WANTED.keySet()) {
            try {
                now.put(key, Optional.of(read(key)));
            } catch (IOException e) {
                now.put(key, Optional.empty());
            }
        }
        return new SysctlStatus(managed, now, writes, lastError);
    }

    private Path path(String key) {
        return root.resolve(key.replace('.', '/'));
    }

    private String read(String key) throws IOException {
        return Files.readString(path(key), StandardCharsets.US_ASCII).trim();
    }

    private void write(String key, String value) throws IOException {
        Files.writeString(path(key), value + "\n", StandardCharsets.US_ASCII);
    }
}
