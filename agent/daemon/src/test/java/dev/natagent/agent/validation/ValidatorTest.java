package dev.natagent.agent.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.FieldError;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.reconcile.KernelLayout;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValidatorTest {
    /** The AWS ElastiCache guide's layout: Redis and Memcached nodes behind one NAT instance. */
    static final String ELASTICACHE =
            """
            {"forwards": [
              {"name":"redis","proto":"tcp","listen":"6379-6381",
               "to":["10.0.1.230:6379","10.0.1.231:6379","10.0.1.232:6379"],
               "allow":["198.51.100.27/32"],"snat":"masquerade"},
              {"name":"memcached","listen":"11211-11213",
               "to":["mc.0001.use1.cache.amazonaws.com:11211","mc.0002.use1.cache.amazonaws.com:11211",
                     "mc.0003.use1.cache.amazonaws.com:11211"],
               "allow":["198.51.100.27/32"],"snat":"10.0.0.55"}],
             "outbounds": [{"name":"private","source":["10.0.0.0/16"],"out":"ens5"}]}
            """;

    private final Validator validator = new Validator(() -> Set.of(22));
    private final NatState elastiCache = ModelJson.read(ELASTICACHE, NatState.class);

    @Test
    void elastiCacheConfigIsValid() {
        assertEquals(List.of(), validator.errors(NatState.empty(), elastiCache, false));
        assertEquals(2, elastiCache.forwards().size());
        assertEquals(1, elastiCache.outbounds().size());
    }

    @Test
    void validationChangesNothing() {
        NatState before = elastiCache;
        String json = ModelJson.write(before);
        validator.errors(before, before.withForward(forward("x", "tcp", "6380", "10.0.1.9:1")), false);
        assertEquals(json, ModelJson.write(before));
    }

    @ParameterizedTest
    @CsvSource({
        // proto, listen of a new forward next to redis tcp 6379-6381 -> expected code ('' = valid)
        "tcp,6381,PORT_IN_USE",
        "tcp,6300-6379,PORT_IN_USE",
        "tcp,6300-6400,PORT_IN_USE",
        "udp,6379,''",
        "tcp,6382,''",
        "tcp,22,SSH_PORT_FORWARD",
        "tcp,20-22,SSH_PORT_FORWARD",
        "udp,22,''",
    })
    void addForwardRules(String proto, String listen, String expected) {
        int size = PortRange.parse(listen).size();
        List<String> targets = Collections.nCopies(size, "10.0.1.9:7000");
        Forward candidate = forward("new", proto, listen, targets.toArray(String[]::new));
        if (expected.isEmpty()) {
            assertDoesNotThrow(() -> validator.checkAddForward(elastiCache, candidate, false));
            assertEquals(List.of(), validator.errors(elastiCache, elastiCache.withForward(candidate), false));
        } else {
            ValidationException e = assertThrows(
                    ValidationException.class, () -> validator.checkAddForward(elastiCache, candidate, false));
            assertEquals(new FieldErrorShape("listen", ErrorCode.valueOf(expected)), shape(e.first()));
            FieldError stateError = validator
                    .errors(elastiCache, elastiCache.withForward(candidate), false)
                    .get(0);
            assertEquals(ErrorCode.valueOf(expected), stateError.code());
            assertTrue(stateError.field().endsWith(".listen"), stateError.field());
        }
    }

    @Test
    void forceAllowsSshPortButNotPortConflicts() {
        Forward ssh = forward("ssh-jump", "tcp", "22", "10.0.1.9:22");
        assertDoesNotThrow(() -> validator.checkAddForward(elastiCache, ssh, true));
        Forward clash = forward("clash", "tcp", "6380", "10.0.1.9:22");
        assertEquals(
                ErrorCode.PORT_IN_USE,
                assertThrows(ValidationException.class, () -> validator.checkAddForward(elastiCache, clash, true))
                        .first()
                        .code());
    }

    @Test
    void aForcedSshForwardIsNotAskedAboutAgain() {
        NatState withSsh = elastiCache.withForward(forward("ssh-jump", "tcp", "22", "10.0.1.9:22"));
        assertEquals(List.of(), validator.errors(withSsh, withSsh, false));
        assertEquals(
                ErrorCode.SSH_PORT_FORWARD,
                validator.errors(elastiCache, withSsh, false).get(0).code());
        assertTrue(
                validator.errors(elastiCache, withSsh, false).get(0).message().contains("repeat with --force"),
                "names the flag natctl has");
    }

    @Test
    void sshPortOverrideReplacesSshdConfig() {
        NatState moved = elastiCache.withSettings(new Settings(true, 30, 60, 2222));
        assertEquals(
                List.of(), validator.errors(moved, moved.withForward(forward("x", "tcp", "22", "10.0.1.9:22")), false));
        assertEquals(
                ErrorCode.SSH_PORT_FORWARD,
                validator
                        .errors(moved, moved.withForward(forward("x", "tcp", "2222", "10.0.1.9:22")), false)
                        .get(0)
                        .code());
    }

    @Test
    void everyOverlapInAStateIsReported() {
        NatState state = NatState.of(
                Settings.DEFAULTS,
                List.of(
                        forward("a", "tcp", "100-200", rep(101)),
                        forward("b", "tcp", "150", "10.0.0.1:1"),
                        forward("c", "tcp", "190-210", rep(21)),
                        forward("d", "udp", "150", "10.0.0.1:1"),
                        forward("e", "tcp", "201", "10.0.0.1:1")),
                List.of());
        List<FieldError> errors = validator.errors(NatState.empty(), state, false);
        assertEquals(
                List.of("forwards[name=b].listen", "forwards[name=c].listen", "forwards[name=e].listen"),
                errors.stream().map(FieldError::field).toList());
        assertTrue(errors.stream().allMatch(e -> e.code() == ErrorCode.PORT_IN_USE));
        assertTrue(errors.get(0).message().contains("'a'"), errors.get(0).message());
    }

    /** The kernel decides the return path per connection (by listen port), so targets may be shared freely. */
    @Test
    void forwardsToOneTargetMayEachHaveTheirOwnReturnPath() {
        NatState state = NatState.of(
                Settings.DEFAULTS,
                List.of(
                        snatForward("a", "tcp", "100-102", "masquerade", rep(3)),
                        snatForward("b", "tcp", "200-202", "none", rep(3)),
                        snatForward("c", "tcp", "300", "10.0.0.9", "10.0.0.1:1")),
                List.of());

        assertEquals(List.of(), validator.errors(NatState.empty(), state, false));
        assertDoesNotThrow(
                () -> validator.checkAddForward(state, snatForward("d", "tcp", "400", "none", "10.0.0.1:1"), false));
    }

    @Test
    void namesTakenAndNotFound() {
        ValidationException taken = assertThrows(
                ValidationException.class,
                () -> validator.checkAddForward(elastiCache, forward("redis", "tcp", "9000", "10.0.0.1:1"), false));
        assertEquals(new FieldErrorShape("name", ErrorCode.NAME_TAKEN), shape(taken.first()));
        assertTrue(taken.first().message().contains("natctl forward set redis"), "points at the way to change it");
        assertEquals(
                ErrorCode.NAME_TAKEN,
                assertThrows(ValidationException.class, () -> validator.checkAddOutbound(elastiCache, "private"))
                        .first()
                        .code());
        assertEquals(
                ErrorCode.NOT_FOUND,
                assertThrows(ValidationException.class, () -> validator.existingForward(elastiCache, "nope"))
                        .first()
                        .code());
        assertEquals(
                ErrorCode.NOT_FOUND,
                assertThrows(ValidationException.class, () -> validator.checkRemoveOutbound(elastiCache, "nope"))
                        .first()
                        .code());
        assertEquals("redis", validator.existingForward(elastiCache, "redis").name());
    }

    @Test
    void replacingAForwardMayKeepItsOwnPorts() {
        Forward moved = forward("redis", "tcp", "6379-6381", "10.0.2.1:6379", "10.0.2.2:6379", "10.0.2.3:6379");
        assertDoesNotThrow(() -> validator.checkPutForward(elastiCache, moved, false));
    }

    @Test
    void duplicateNamesInADocumentAreNameTaken() {
        String json = "{\"forwards\":[{\"name\":\"a\",\"listen\":\"1\",\"to\":[\"10.0.0.1:1\"]},"
                + "{\"name\":\"a\",\"listen\":\"2\",\"to\":[\"10.0.0.1:1\"]}],"
                + "\"outbounds\":[{\"name\":\"o\",\"source\":[\"10.0.0.0/8\"],\"out\":\"eth0\"},"
                + "{\"name\":\"o\",\"source\":[\"10.0.0.0/8\"],\"out\":\"eth1\"}]}";
        ValidationException e = assertThrows(ValidationException.class, () -> ModelJson.read(json, NatState.class));
        assertEquals(
                List.of(
                        new FieldErrorShape("forwards[1].name", ErrorCode.NAME_TAKEN),
                        new FieldErrorShape("outbounds[1].name", ErrorCode.NAME_TAKEN)),
                e.errors().stream().map(ValidatorTest::shape).toList());
    }

    @Test
    void outboundRulesAreEnforcedOnConstruction() {
        ValidationException e = assertThrows(
                ValidationException.class,
                () -> ModelJson.read(
                        "{\"name\":\"o\",\"source\":[\"10.0.0.0/8\"],\"out\":\"this-name-is-too-long\"}",
                        Outbound.class));
        assertEquals(new FieldErrorShape("out", ErrorCode.INVALID_INTERFACE), shape(e.first()));
    }

    @Test
    void theWholePortSpaceFitsTheKernelSetsAndMoreIsRefused() {
        Target target = Target.parse("10.0.1.9:80");
        List<Target> targets = Collections.nCopies(PortRange.MAX, target);
        NatState everyPort = NatState.of(
                Settings.DEFAULTS,
                List.of(
                        new Forward(
                                "all-tcp",
                                Protocol.TCP,
                                new PortRange(1, PortRange.MAX),
                                targets,
                                List.of(),
                                ReturnPath.MASQUERADE),
                        new Forward(
                                "all-udp",
                                Protocol.UDP,
                                new PortRange(1, PortRange.MAX),
                                targets,
                                List.of(),
                                ReturnPath.MASQUERADE)),
                List.of());
        assertEquals(List.of(), validator.errors(NatState.empty(), everyPort, true));

        Validator smaller = new Validator(() -> Set.of(22), KernelLayout.LISTEN_KEYS - 1);
        List<FieldError> errors = smaller.errors(NatState.empty(), everyPort, true);
        assertEquals(
                List.of(new FieldErrorShape("forwards", ErrorCode.CAPACITY_EXCEEDED)),
                errors.stream().map(ValidatorTest::shape).toList());
        assertTrue(
                errors.get(0).message().contains("131070 ports")
                        && errors.get(0).message().contains("hold 131069"),
                errors.get(0).message());
    }

    @Test
    void aStateOverTheCapIsRefusedWithTheCount() {
        Validator sixPorts = new Validator(() -> Set.of(22), 6);
        sixPorts.check(NatState.empty(), elastiCache, false);
        NatState seven = elastiCache.withForward(forward("x", "udp", "53", "10.0.1.53:53"));
        ValidationException e =
                assertThrows(ValidationException.class, () -> sixPorts.check(NatState.empty(), seven, false));
        assertEquals(new FieldErrorShape("forwards", ErrorCode.CAPACITY_EXCEEDED), shape(e.first()));
        assertTrue(e.first().message().contains("7 ports"), e.first().message());
    }

    @Test
    void unchangedStateIsReturnedAsIs() {
        assertSame(elastiCache, elastiCache.withoutForward("absent"));
    }

    record FieldErrorShape(String field, ErrorCode code) {}

    static FieldErrorShape shape(FieldError error) {
        return new FieldErrorShape(error.field(), error.code());
    }

    static String[] rep(int count) {
        return Collections.nCopies(count, "10.0.0.1:1").toArray(String[]::new);
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1", "127.1.2.3", "0.1.2.3"})
    void literalTargetsNoForwardCanReachAreRefusedOnEveryPath(String literal) {
        // 0.0.0.0, broadcast and multicast never get this far: no Target holds them.
        Forward bad = forward("bad", "tcp", "6390-6391", "10.0.1.5:6379", literal + ":6390");
        ValidationException add =
                assertThrows(ValidationException.class, () -> validator.checkAddForward(elastiCache, bad, false));
        assertEquals(ErrorCode.INVALID_ADDRESS, add.first().code());
        assertEquals("to", add.first().field());
        assertTrue(
                add.first().message().startsWith(literal + " is "), add.first().message());
        assertTrue(
                add.first().message().endsWith("which cannot be a NAT target"),
                add.first().message());

        List<FieldError> apply = validator.errors(elastiCache, elastiCache.withForward(bad), false);
        assertEquals(
                List.of("forwards[name=bad].to"),
                apply.stream().map(FieldError::field).toList());
    }

    @Test
    void aTargetStoredBeforeTheRuleIsNotAskedAboutAgain() {
        Forward stored = forward("local", "tcp", "6390", "127.0.0.1:6390");
        NatState current = elastiCache.withForward(stored);
        assertEquals(List.of(), validator.errors(current, current, false));
        Forward moved = forward("local", "tcp", "6391", "127.0.0.1:6390");
        assertDoesNotThrow(() -> validator.checkPutForward(current, moved, false));
        assertEquals(Optional.empty(), Ipv4.parse("10.0.1.5").whyNotATarget());
    }

    static Forward forward(String name, String proto, String listen, String... targets) {
        return snatForward(name, proto, listen, "masquerade", targets);
    }

    static Forward snatForward(String name, String proto, String listen, String snat, String... targets) {
        StringBuilder json = new StringBuilder("{\"name\":\"" + name + "\",\"proto\":\"" + proto + "\",\"listen\":\""
                + listen + "\",\"snat\":\"" + snat + "\",\"to\":[");
        for (int i = 0; i < targets.length; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(targets[i]).append('"');
        }
        return ModelJson.read(json.append("]}").toString(), Forward.class);
    }
}
