package dev.natagent.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The file {@code natctl cluster map NAME --format json} writes: each address the cluster advertises
 * ("ip:port", "hostname:port") mapped to the address a client outside must dial. The file is read
 * on every look-up, so a client always dials what the newest map says; an address the map does not
 * know is dialled as it is.
 * docs/clusters.md shows the region between "// map:" and "// end" (ClusterClientDocsTest).
 */
final class NatMap {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    NatMap(Path file) {
        this.file = file;
    }

    // map:natmap
    /** Where a client must connect for the advertised {@code host:port}. */
    Dial dial(String host, int port) {
        try {
            JsonNode target = JSON.readTree(file.toFile()).get(host + ":" + port);
            return target == null
                    ? new Dial(host, port)
                    : new Dial(target.get("host").asText(), target.get("port").asInt());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the address map " + file, e);
        }
    }
    // end

    /** The hostname the cluster advertises for the node reached at {@code host:port}, if it advertises one. */
    Optional<String> advertisedName(String host, int port) {
        try {
            for (Map.Entry<String, JsonNode> entry :
                    JSON.readTree(file.toFile()).properties()) {
                String name = entry.getKey().substring(0, entry.getKey().lastIndexOf(':'));
                JsonNode target = entry.getValue();
                if (target.get("host").asText().equals(host)
                        && target.get("port").asInt() == port
                        && !name.matches("[0-9.]+")) {
                    return Optional.of(name);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the address map " + file, e);
        }
    }

    record Dial(String host, int port) {}
}
