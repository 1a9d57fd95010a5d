package dev.natagent.agent.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An openssl-made CA and one node certificate it signed, whose subject alternative names are every
 * node's address and advertised hostname (as ElastiCache's certificate covers its node names), and
 * the redis-server and redis-cli options for a TLS-only cluster without client certificates.
 */
record RedisTls(Path ca, Path cert, Path key) {
    /** Writes ca.pem, node.pem and node.key under {@code dir}; {@code names} are IPs and DNS names. */
    static RedisTls create(Path dir, List<String> names) throws IOException, InterruptedException {
        Path ca = dir.resolve("ca.pem");
        Path caKey = dir.resolve("ca.key");
        Path cert = dir.resolve("node.pem");
        Path key = dir.resolve("node.key");
        Path request = dir.resolve("node.csr");
        Path extensions = dir.resolve("node.ext");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                caKey.toString(),
                "-out",
                ca.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=nat-agent test CA");
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                request.toString(),
                "-subj",
                "/CN=redis node");
        List<String> sans = new ArrayList<>();
        for (String name : names) {
            sans.add((name.matches("[0-9.]+") ? "IP:" : "DNS:") + name);
        }
        Files.writeString(extensions, "subjectAltName=" + String.join(",", sans) + "\n");
        openssl(
                "x509",
                "-req",
                "-in",
                request.toString(),
                "-CA",
                ca.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-extfile",
                extensions.toString());
        return new RedisTls(ca, cert, key);
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + output);
        }
    }

    /** TLS only on {@code port}, also between nodes; clients need no certificate (as on ElastiCache). */
    List<String> serverArgs(int port) {
        return List.of(
                "--port",
                "0",
                "--tls-port",
                Integer.toString(port),
                "--tls-cert-file",
                cert.toString(),
                "--tls-key-file",
                key.toString(),
                "--tls-ca-cert-file",
                ca.toString(),
                "--tls-cluster",
                "yes",
                "--tls-replication",
                "yes",
                "--tls-auth-clients",
                "no");
    }

    List<String> cliArgs() {
        return List.of("--tls", "--cacert", ca.toString());
    }
}
