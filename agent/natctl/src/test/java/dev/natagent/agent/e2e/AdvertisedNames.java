package dev.natagent.agent.e2e;

import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Both Lettuce and Jedis check a node's TLS certificate against the address they dial: behind the
 * NAT, the NAT's. A certificate names the nodes (ElastiCache's: a wildcard for the cluster's
 * domain), so these check it against the hostname the cluster advertises for the node that the
 * dialled address and port lead to, as the map says.
 * docs/clusters.md shows the region between "// map:" and "// end" (ClusterClientDocsTest).
 */
final class AdvertisedNames {
    private static final int DNS_NAME = 2;

    private AdvertisedNames() {}

    // map:jedis-tls
    /** For Jedis (with SslVerifyMode.CA, which checks the chain only). */
    static HostnameVerifier verifier(NatMap map) {
        return (dialled, session) -> {
            try {
                X509Certificate node = (X509Certificate) session.getPeerCertificates()[0];
                return names(node, map, dialled, session.getPeerPort());
            } catch (SSLPeerUnverifiedException e) {
                return false;
            }
        };
    }
    // end

    /** For Lettuce (SslOptions.trustManager, with SslVerifyMode.CA): the chain, then the name. */
    static TrustManagerFactory trust(Path ca, NatMap map) throws GeneralSecurityException, IOException {
        TrustManagerFactory pkix = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        pkix.init(trustStore(ca));
        X509TrustManager chain = (X509TrustManager) pkix.getTrustManagers()[0];
        X509ExtendedTrustManager checks = new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                    throws CertificateException {
                check(certs, authType, engine.getPeerHost(), engine.getPeerPort());
            }

            @Override
            public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket)
                    throws CertificateException {
                SSLSession session = ((SSLSocket) socket).getHandshakeSession();
                check(certs, authType, session.getPeerHost(), session.getPeerPort());
            }

            private void check(X509Certificate[] certs, String authType, String host, int port)
                    throws CertificateException {
                chain.checkServerTrusted(certs, authType);
                if (!names(certs[0], map, host, port)) {
                    throw new CertificateException(
                            "the certificate does not name the node behind " + host + ":" + port);
                }
            }

            @Override
            public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
                throw new CertificateException("the dialled address is needed to check the name");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                    throws CertificateException {
                throw new CertificateException("a client-side trust manager");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket)
                    throws CertificateException {
                throw new CertificateException("a client-side trust manager");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
                throw new CertificateException("a client-side trust manager");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return chain.getAcceptedIssuers();
            }
        };
        return new SimpleTrustManagerFactory() {
            @Override
            protected void engineInit(KeyStore keyStore) {}

            @Override
            protected void engineInit(ManagerFactoryParameters parameters) {}

            @Override
            protected TrustManager[] engineGetTrustManagers() {
                return new TrustManager[] {checks};
            }
        };
    }

    /** Whether the certificate names what the cluster advertises for the node behind host:port. */
    static boolean names(X509Certificate node, NatMap map, String host, int port) {
        String advertised = map.advertisedName(host, port).orElse(null);
        try {
            Collection<List<?>> sans = node.getSubjectAlternativeNames();
            return advertised != null
                    && sans != null
                    && sans.stream()
                            .anyMatch(san -> san.get(0).equals(DNS_NAME) && matches((String) san.get(1), advertised));
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    /** RFC 6125 matching: exact, or a wildcard standing for the whole leftmost label. */
    static boolean matches(String pattern, String name) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String n = name.toLowerCase(Locale.ROOT);
        int dot = n.indexOf('.');
        return p.startsWith("*.") ? dot > 0 && n.substring(dot).equals(p.substring(1)) : p.equals(n);
    }

    /** A PKCS12 key store holding just the CA certificate of the PEM file {@code ca}. */
    static KeyStore trustStore(Path ca) throws GeneralSecurityException, IOException {
        try (InputStream in = Files.newInputStream(ca)) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            return trusted;
        }
    }
}
