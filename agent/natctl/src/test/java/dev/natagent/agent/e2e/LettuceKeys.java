package dev.natagent.agent.e2e;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.internal.HostAndPort;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.MappingSocketAddressResolver;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Lettuce's cluster client; with a map, every connection goes where the map says.
 * docs/clusters.md shows the region between "// map:" and "// end" (ClusterClientDocsTest).
 */
final class LettuceKeys implements ClusterKeys {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ClientResources resources;
    private final RedisClusterClient client;
    private final StatefulRedisClusterConnection<String, String> connection;

    private LettuceKeys(ClientResources resources, RedisClusterClient client) {
        this.resources = resources;
        this.client = client;
        this.connection = client.connect();
    }

    /**
     * A client seeded with {@code host:port}; {@code mapFile} and {@code ca} may be null. With a CA,
     * the certificate is checked against the dialled host, or with {@code advertisedName} against
     * the hostname the map gives for the dialled address instead.
     */
    static LettuceKeys connect(String host, int port, Path mapFile, Path ca, boolean advertisedName)
            throws GeneralSecurityException, IOException {
        NatMap map = mapFile == null ? null : new NatMap(mapFile);
        ClientResources resources = map == null ? ClientResources.create() : mappedResources(map);
        RedisURI seed = RedisURI.builder()
                .withHost(host)
                .withPort(port)
                .withSsl(ca != null)
                .withVerifyPeer(advertisedName ? SslVerifyMode.CA : SslVerifyMode.FULL)
                .withTimeout(TIMEOUT)
                .build();
        RedisClusterClient client = RedisClusterClient.create(resources, seed);
        ClusterClientOptions.Builder options = ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(1))
                        .build());
        if (ca != null) {
            SslOptions.Builder tls = SslOptions.builder().jdkSslProvider();
            options.sslOptions(
                    advertisedName
                            ? tls.trustManager(AdvertisedNames.trust(ca, map)).build()
                            : tls.trustManager(ca.toFile()).build());
        }
        client.setOptions(options.build());
        try {
            return new LettuceKeys(resources, client);
        } catch (RuntimeException e) {
            client.shutdown();
            resources.shutdown();
            throw e;
        }
    }

    // map:lettuce
    /** Lettuce dials the mapped address (and checks a TLS certificate against it). */
    static ClientResources mappedResources(NatMap map) {
        return ClientResources.builder()
                .socketAddressResolver(MappingSocketAddressResolver.create((HostAndPort advertised) -> {
                    NatMap.Dial dial = map.dial(advertised.getHostText(), advertised.getPort());
                    return HostAndPort.of(dial.host(), dial.port());
                }))
                .build();
    }
    // end

    @Override
    public List<String> set(List<String> keys, String value) {
        RedisAdvancedClusterAsyncCommands<String, String> async = connection.async();
        return expect(keys, keys.stream().map(key -> async.set(key, value)).toList(), "OK");
    }

    @Override
    public List<String> check(List<String> keys, String value) {
        RedisAdvancedClusterAsyncCommands<String, String> async = connection.async();
        return expect(keys, keys.stream().map(async::get).toList(), value);
    }

    /** Awaits all replies (sent without waiting, as an application's async writes are). */
    private static List<String> expect(List<String> keys, List<RedisFuture<String>> replies, String expected) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            try {
                String reply = replies.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!expected.equals(reply)) {
                    failures.add(keys.get(i) + ": " + reply);
                }
            } catch (Exception e) {
                failures.add(keys.get(i) + ": " + ClusterClientMain.describe(e));
            }
        }
        return failures;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        resources.shutdown();
    }
}
