package dev.natagent.agent.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.natagent.agent.model.NatState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshdConfigTest {
    @TempDir
    Path dir;

    @Test
    void missingFileMeansPort22() {
        assertEquals(Set.of(22), SshdConfig.ports(dir.resolve("absent")));
    }

    @Test
    void noPortLineMeansPort22() throws IOException {
        assertEquals(Set.of(22), SshdConfig.ports(write("sshd_config", "PermitRootLogin no\n#Port 2222\n")));
    }

    @Test
    void everyPortLineCounts() throws IOException {
        Path config = write("sshd_config", "Port 2222\n  port=2200 # second\nPORT\t443\nPort 99999\nPort x\n");
        assertEquals(Set.of(2222, 2200, 443), SshdConfig.ports(config));
    }

    @Test
    void listenAddressPortsAndIncludesCount() throws IOException {
        Files.createDirectories(dir.resolve("sshd_config.d"));
        write("sshd_config.d/10-port.conf", "Port 2022\n");
        write("sshd_config.d/20-other.conf", "ListenAddress [::]:8022\n");
        write("sshd_config.d/ignored.txt", "Port 1\n");
        Path config = write(
                "sshd_config", "Include sshd_config.d/*.conf\nListenAddress 0.0.0.0:9022\nListenAddress 10.0.0.55\n");
        assertEquals(Set.of(2022, 8022, 9022), SshdConfig.ports(config));
    }

    @Test
    void includeLoopsEnd() throws IOException {
        Path config = write("sshd_config", "Include sshd_config\nPort 2022\n");
        assertEquals(Set.of(2022), SshdConfig.ports(config));
    }

    @Test
    void validatorReadsTheFileOnEveryCheck() throws IOException {
        Path config = write("sshd_config", "Port 2022\n");
        Validator validator = Validator.forSshdConfig(config);
        NatState state = NatState.empty().withForward(ValidatorTest.forward("x", "tcp", "22", "10.0.0.1:22"));
        assertEquals(0, validator.errors(NatState.empty(), state, false).size());
        write("sshd_config", "Port 22\n");
        assertEquals(1, validator.errors(NatState.empty(), state, false).size());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
