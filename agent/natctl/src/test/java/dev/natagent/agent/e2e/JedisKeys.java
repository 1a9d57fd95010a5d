package dev.natagent.agent.e2e;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.HostAndPortMapper;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

/** Jedis's cluster client; with a map, every connection goes where the map says.
 * docs/clusters.md shows the region between "// map:" and "// end" (ClusterClientDocsTest).
 */
final class JedisKeys implements ClusterKeys {
    private static final int TIMEOUT_MILLIS = 10_000;
    /** Redirects are followed at once; this bounds only the retries against a node that is down. */
    private static final Duration RETRIES = Duration.ofSeconds(5);
    /** Each failed retry takes {@link #RETRIES}: a bound keeps a failing run short. */
    private static final int MAX_RETRY_FAILURES = 2;

    private final RedisClusterClient client;

    private JedisKeys(RedisClusterClient client) {
        this.client = client;
    }

    /**
     * A client seeded with {@code host:port}; {@code mapFile} and {@code ca} may be null. With a CA,
     * the certificate is checked against the dialled host, or with {@code advertisedName} against
     * the hostname the map gives for the dialled address instead.
     */
    static JedisKeys connect(String host, int port, Path mapFile, Path ca, boolean advertisedName) {
        DefaultJedisClientConfig.Builder config =
                DefaultJedisClientConfig.builder().timeoutMillis(TIMEOUT_MILLIS);
        NatMap map = mapFile == null ? null : new NatMap(mapFile);
        if (map != null) {
            config.hostAndPortMapper(mapper(map));
        }
        if (ca != null) {
            config.sslOptions(SslOptions.builder()
                    .truststore(trustStore(ca), new char[0])
                    .trustStoreType("PKCS12")
                    .sslVerifyMode(advertisedName ? SslVerifyMode.CA : SslVerifyMode.FULL)
                    .build());
        }
        if (advertisedName) {
            config.hostnameVerifier(AdvertisedNames.verifier(map));
        }
        return new JedisKeys(RedisClusterClient.builder()
                .nodes(Set.of(new HostAndPort(host, port)))
                .clientConfig(config.build())
                .topologyRefreshPeriod(Duration.ofSeconds(1))
                .maxTotalRetriesDuration(RETRIES)
                .build());
    }

    // map:jedis
    /** Jedis dials the mapped address, and verifies TLS against it too. */
    static HostAndPortMapper mapper(NatMap map) {
        return advertised -> {
            NatMap.Dial dial = map.dial(advertised.getHost(), advertised.getPort());
            return new HostAndPort(dial.host(), dial.port());
        };
    }
    // end

    /** The CA certificate of the PEM file {@code ca} as a PKCS12 trust store. */
    private static SslOptions.Resource trustStore(Path ca) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            AdvertisedNames.trustStore(ca).store(bytes, new char[0]);
            return () -> new ByteArrayInputStream(bytes.toByteArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the CA file " + ca, e);
        }
    }

    @Override
    public List<String> set(List<String> keys, String value) {
        return pipelined(keys, "OK", (pipeline, key) -> pipeline.set(key, value), key -> client.set(key, value));
    }

    @Override
    public List<String> check(List<String> keys, String value) {
        return pipelined(keys, value, ClusterPipeline::get, client::get);
    }

    /**
     * Sends all commands in one cluster pipeline; a key whose pipelined reply failed (a pipeline
     * does not follow redirects) is retried alone, as an application would, with redirects followed.
     */
    private List<String> pipelined(
            List<String> keys,
            String expected,
            BiFunction<ClusterPipeline, String, Response<String>> send,
            Function<String, String> single) {
        List<Response<String>> replies = new ArrayList<>();
        try (ClusterPipeline pipeline = client.pipelined()) {
            for (String key : keys) {
                replies.add(send.apply(pipeline, key));
            }
            pipeline.sync();
        } catch (RuntimeException e) {
            replies.clear();
        }
        List<String> failures = new ArrayList<>();
        int singleFailures = 0;
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            String reply;
            try {
                if (replies.isEmpty()) {
                    throw new IllegalStateException("pipeline failed");
                }
                reply = replies.get(i).get();
            } catch (RuntimeException pipelineFailed) {
                if (singleFailures >= MAX_RETRY_FAILURES) {
                    failures.add(key + ": not retried after " + MAX_RETRY_FAILURES + " failed retries");
                    continue;
                }
                try {
                    reply = single.apply(key);
                } catch (RuntimeException e) {
                    singleFailures++;
                    failures.add(key + ": " + ClusterClientMain.describe(e));
                    continue;
                }
            }
            if (!expected.equals(reply)) {
                failures.add(key + ": " + reply);
            }
        }
        return failures;
    }

    @Override
    public void close() {
        client.close();
    }
}
