package dev.natagent.agent.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS contexts for discovery: the JDK's default trust, or only the CAs of a PEM bundle. */
final class TlsContexts {
    private TlsContexts() {}

    /** A context trusting the certificates in {@code caFile} (PEM, one or more), or the JDK's CAs when null. */
    static SSLContext forCaFile(String caFile) throws DiscoveryException {
        try {
            if (caFile == null) {
                return SSLContext.getDefault();
            }
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(Path.of(caFile))) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new DiscoveryException(
                        DiscoveryException.Kind.TLS, "ca file " + caFile + " holds no certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.TLS, "ca file " + caFile + " cannot be read: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.TLS,
                    "ca file " + caFile + " is not a usable PEM bundle: " + e.getMessage(),
                    e);
        }
    }
}
