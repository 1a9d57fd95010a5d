package dev.natagent.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {

    @ParameterizedTest
    @CsvSource({"6379,6379,6379,1", "6379-6381,6379,6381,3", " 1-65535 ,1,65535,65535", "80-80,80,80,1"})
    void portRangesParseAndFormat(String text, int first, int last, int size) {
        PortRange range = PortRange.parse(text);
        assertEquals(new PortRange(first, last), range);
        assertEquals(size, range.size());
        assertEquals(range, PortRange.parse(range.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "6381-6379", "-1", "1-", "-5", "a", "", "1--2", "+80", "080000", "1 2"})
    void badPortRangesAreInvalidPort(String text) {
        ValidationException e = assertThrows(ValidationException.class, () -> PortRange.parse(text));
        assertEquals(ErrorCode.INVALID_PORT, e.first().code());
    }

    @Test
    void portRangeOverlap() {
        assertTrue(PortRange.parse("6379-6381").overlaps(PortRange.parse("6381")));
        assertFalse(PortRange.parse("6379-6381").overlaps(PortRange.parse("6382-6390")));
        assertTrue(PortRange.parse("1-100").overlaps(PortRange.parse("50")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.0.1.230", "255.255.255.255", "198.51.100.27"})
    void addressesRoundTrip(String text) {
        assertEquals(text, Ipv4.parse(text).toString());
        assertEquals(Ipv4.parse(text), Ipv4.of(Ipv4.parse(text).toBytes()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"10.0.1", "10.0.1.256", "10.0.01.1", "10.0.1.1.1", "a.b.c.d", "", "10..1.1", "::1", "1.2.3.-4"})
    void badAddressesAreInvalidAddress(String text) {
        assertEquals(
                ErrorCode.INVALID_ADDRESS,
                assertThrows(ValidationException.class, () -> Ipv4.parse(text))
                        .first()
                        .code());
    }

    @Test
    void addressParsingAgreesWithTheSplitReferenceOnRandomText() {
        Random random = new Random(20261126);
        String alphabet = "0123456789.. \t+-a";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(18);
            for (int c = 0; c < length; c++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (i % 4 == 0) {
                text.setLength(0);
                text.append(random.nextInt(300))
                        .append('.')
                        .append(random.nextInt(300))
                        .append('.');
                text.append(random.nextInt(300)).append('.').append(random.nextInt(300));
            }
            String input = text.toString();
            Optional<Integer> expected = referenceParse(input);
            Optional<Integer> actual;
            try {
                actual = Optional.of(Ipv4.parse(input).bits());
            } catch (ValidationException e) {
                actual = Optional.empty();
            }
            assertEquals(expected, actual, () -> "'" + input + "'");
        }
    }

    /**
     * The straightforward parser the hand-rolled one replaced: split on dots, strict octets; spaces
     * around are trimmed, control characters (a tab too) refused.
     */
    private static Optional<Integer> referenceParse(String text) {
        if (text.chars().anyMatch(c -> c < 0x20)) {
            return Optional.empty();
        }
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        int bits = 0;
        for (String part : parts) {
            if (part.isEmpty()
                    || part.length() > 3
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (part.length() > 1 && part.charAt(0) == '0')
                    || Integer.parseInt(part) > 255) {
                return Optional.empty();
            }
            bits = (bits << 8) | Integer.parseInt(part);
        }
        return Optional.of(bits);
    }

    @Test
    void addressesCompareUnsigned() {
        assertTrue(Ipv4.parse("200.0.0.1").compareTo(Ipv4.parse("10.0.0.1")) > 0);
    }

    @ParameterizedTest
    @CsvSource({
        "198.51.100.27,198.51.100.27/32",
        "10.0.1.0/24,10.0.1.0/24",
        "10.0.0.0/8,10.0.0.0/8",
        " 10.0.0.0/8 ,10.0.0.0/8",
        "0.0.0.0/0,0.0.0.0/0",
        "255.255.255.254/31,255.255.255.254/31",
        "255.255.255.255/32,255.255.255.255/32"
    })
    void cidrsNormalise(String text, String canonical) {
        assertEquals(canonical, Cidr.parse(text).toString());
    }

    /** A typo in an allow-list must not silently open a whole network. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "198.51.100.27/24 | 198.51.100.27/24 has host bits set: did you mean 198.51.100.27/32 (one address)"
                        + " or 198.51.100.0/24 (256 addresses)?",
                "10.0.1.5/31 | 10.0.1.5/31 has host bits set: did you mean 10.0.1.5/32 (one address)"
                        + " or 10.0.1.4/31 (2 addresses)?",
                "1.2.3.4/0 | 1.2.3.4/0 has host bits set: did you mean 1.2.3.4/32 (one address)"
                        + " or 0.0.0.0/0 (4294967296 addresses)?"
            })
    void cidrsWithHostBitsAreRefusedWithBothReadings(String text, String message) {
        ValidationException e = assertThrows(ValidationException.class, () -> Cidr.parse(text));
        assertEquals(ErrorCode.INVALID_CIDR, e.first().code());
        assertEquals(message, e.first().message());
    }

    /** String.trim() drops control characters: the stored value would differ from what was sent. */
    @Test
    void controlCharactersInTargetsAreRefused() {
        for (String text : List.of(
                "node-1.cache.test\u0000:6379",
                "10.0.1.230:6379\u0000",
                "\u0000node-1.cache.test:6379",
                "10.0.1.230\n:6379",
                "node-1.cache.test\u007f:6379")) {
            ValidationException e = assertThrows(ValidationException.class, () -> Target.parse(text), text);
            assertEquals(ErrorCode.INVALID_TARGET, e.first().code());
            assertTrue(
                    e.first().message().contains("control character"), e.first().message());
            assertFalse(e.first().message().chars().anyMatch(c -> c < 0x20), "the message itself is printable");
        }
        assertThrows(ValidationException.class, () -> new Target("node-1.cache.test\u0000", 6379));
    }

    @Test
    void controlCharactersInOtherValuesAreRefused() {
        Map<ErrorCode, Executable> parses = Map.of(
                ErrorCode.INVALID_CIDR, () -> Cidr.parse("10.0.0.0/8\u0000"),
                ErrorCode.INVALID_PORT, () -> PortRange.parse("6379\u0000"),
                ErrorCode.INVALID_ADDRESS, () -> Ipv4.parse("\u000010.0.0.1"),
                ErrorCode.INVALID_PROTOCOL, () -> Protocol.parse("tcp\u0000"),
                ErrorCode.INVALID_RETURN_PATH, () -> ReturnPath.parse("none\u0000"));
        parses.forEach((code, parse) -> assertEquals(
                code, assertThrows(ValidationException.class, parse).first().code()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0/8", "10.0.0.0/8/8", "/8", "10.0.0.0/ 8", "x"})
    void badCidrsAreInvalidCidr(String text) {
        assertEquals(
                ErrorCode.INVALID_CIDR,
                assertThrows(ValidationException.class, () -> Cidr.parse(text))
                        .first()
                        .code());
    }

    @Test
    void cidrContains() {
        Cidr net = Cidr.parse("198.51.100.0/24");
        assertTrue(net.contains(Ipv4.parse("198.51.100.27")));
        assertFalse(net.contains(Ipv4.parse("198.51.101.27")));
        assertTrue(net.contains(Cidr.parse("198.51.100.128/25")));
        assertFalse(Cidr.parse("198.51.100.128/25").contains(net));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(Ipv4.parse("255.255.255.255")));
    }

    @Test
    void mergeJoinsOverlappingAndAdjacentBlocks() {
        List<Cidr> merged = Cidr.merge(List.of(
                Cidr.parse("10.0.0.0/25"),
                Cidr.parse("10.0.0.128/25"),
                Cidr.parse("10.0.0.7"),
                Cidr.parse("192.168.0.0/16"),
                Cidr.parse("192.168.3.0/24")));
        assertEquals(List.of(Cidr.parse("10.0.0.0/24"), Cidr.parse("192.168.0.0/16")), merged);
        assertEquals(
                List.of(new Ipv4Range(Ipv4.parse("10.0.0.0"), Ipv4.parse("10.0.2.255"))),
                Cidr.toRanges(
                        List.of(Cidr.parse("10.0.0.0/24"), Cidr.parse("10.0.1.0/24"), Cidr.parse("10.0.2.0/24"))));
        assertEquals(
                List.of(Cidr.parse("0.0.0.0/0")),
                Cidr.merge(List.of(Cidr.parse("0.0.0.0/1"), Cidr.parse("128.0.0.0/1"))));
    }

    /** Checks merge against a bitmap of a small address space: same coverage, disjoint, minimal count. */
    @Test
    void mergeCoversExactlyTheUnionWithDisjointBlocks() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            List<Cidr> input = new ArrayList<>();
            BitSet expected = new BitSet();
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                // Addresses 10.0.0.0-10.0.3.255 keep the bitmap small.
                int prefix = 22 + random.nextInt(11);
                Cidr cidr = new Cidr(new Ipv4(0x0a000000 | random.nextInt(1024)), prefix);
                input.add(cidr);
                expected.set(offset(cidr.first()), offset(cidr.last()) + 1);
            }
            List<Cidr> merged = Cidr.merge(input);
            BitSet actual = new BitSet();
            for (Cidr cidr : merged) {
                assertTrue(
                        actual.get(offset(cidr.first()), offset(cidr.last()) + 1)
                                .isEmpty(),
                        "overlap in " + merged);
                actual.set(offset(cidr.first()), offset(cidr.last()) + 1);
            }
            assertEquals(expected, actual, input + " -> " + merged);
            List<Ipv4Range> ranges = Cidr.toRanges(input);
            for (int i = 1; i < ranges.size(); i++) {
                assertTrue(
                        ranges.get(i - 1).last().unsigned() + 1
                                < ranges.get(i).first().unsigned(),
                        "not joined: " + ranges);
            }
        }
    }

    private static int offset(Ipv4 address) {
        return address.bits() - 0x0a000000;
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.1.230:6379,10.0.1.230,6379,true",
        "Node-1.ABC.cache.amazonaws.com.:11211,node-1.abc.cache.amazonaws.com,11211,false",
        "redis:6379,redis,6379,false"
    })
    void targetsParse(String text, String host, int port, boolean literal) {
        Target target = Target.parse(text);
        assertEquals(new Target(host, port), target);
        assertEquals(literal, target.literal().isPresent());
        assertEquals(!literal, target.isDnsName());
        assertEquals(target, Target.parse(target.toString()));
    }

    @Test
    void targetsToOneHostShareItsString() {
        // 50,000 forwards to a few cache nodes hold a few host strings, not 50,000 copies.
        Target parsed = Target.parse("10.0.1.230:6379");
        Target built = Target.of(Ipv4.parse("10.0.1.230"), 6380);
        Target named = new Target("Node-1.Cache.Example.", 11211);
        assertSame(parsed.host(), built.host());
        assertSame(named.host(), Target.parse("node-1.cache.example:11212").host());
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.1.230,INVALID_TARGET",
        "10.0.1.230:,INVALID_TARGET",
        ":6379,INVALID_TARGET",
        "10.0.1.230:0,INVALID_PORT",
        "10.0.1.230:65536,INVALID_PORT",
        "10.0.1.256:6379,INVALID_ADDRESS",
        "0.0.0.0:6379,INVALID_ADDRESS",
        "255.255.255.255:6379,INVALID_ADDRESS",
        "239.1.2.3:6379,INVALID_ADDRESS",
        "bad_host:6379,INVALID_TARGET",
        "-x.example:6379,INVALID_TARGET",
        "host.123:6379,INVALID_TARGET",
        "a..b:6379,INVALID_TARGET"
    })
    void badTargets(String text, ErrorCode code) {
        assertEquals(
                code,
                assertThrows(ValidationException.class, () -> Target.parse(text))
                        .first()
                        .code());
    }

    @Test
    void returnPaths() {
        assertEquals(ReturnPath.MASQUERADE, ReturnPath.parse("masquerade"));
        assertEquals(ReturnPath.NONE, ReturnPath.parse("NONE"));
        assertEquals(
                Optional.of(Ipv4.parse("10.0.0.55")),
                ReturnPath.parse("10.0.0.55").address());
        assertEquals("10.0.0.55", ReturnPath.parse("10.0.0.55").toString());
        assertEquals(
                ErrorCode.INVALID_RETURN_PATH,
                assertThrows(ValidationException.class, () -> ReturnPath.parse("snat"))
                        .first()
                        .code());
        assertEquals(
                ErrorCode.INVALID_ADDRESS,
                assertThrows(ValidationException.class, () -> ReturnPath.parse("10.0.0.256"))
                        .first()
                        .code());
        assertEquals(
                ErrorCode.INVALID_ADDRESS,
                assertThrows(ValidationException.class, () -> ReturnPath.parse("224.0.0.1"))
                        .first()
                        .code());
    }

    @Test
    void protocols() {
        assertEquals(Protocol.UDP, Protocol.parse("UDP"));
        assertEquals("tcp", Protocol.TCP.toString());
        assertEquals(
                ErrorCode.INVALID_PROTOCOL,
                assertThrows(ValidationException.class, () -> Protocol.parse("sctp"))
                        .first()
                        .code());
    }

    @Test
    void forwardMapsRangeToTargetsInOrder() {
        Forward memcached = new Forward(
                "memcached",
                null,
                PortRange.parse("11211-11213"),
                List.of(
                        Target.parse("10.0.1.10:11211"),
                        Target.parse("10.0.1.11:11211"),
                        Target.parse("10.0.1.12:11211")),
                null,
                null);
        assertEquals(Target.parse("10.0.1.11:11211"), memcached.targetFor(11212));
        assertEquals(Protocol.TCP, memcached.proto());
        assertEquals(ReturnPath.MASQUERADE, memcached.returnPath());
        assertEquals(List.of(), memcached.allow());
        assertThrows(IllegalArgumentException.class, () -> memcached.targetFor(11214));
    }

    @Test
    void forwardCollectsAllItsErrors() {
        ValidationException e = assertThrows(
                ValidationException.class,
                () -> new Forward(
                        "Bad Name",
                        Protocol.TCP,
                        PortRange.parse("1-2"),
                        List.of(Target.parse("10.0.0.1:1")),
                        List.of(),
                        null));
        assertEquals(
                List.of(ErrorCode.INVALID_NAME, ErrorCode.TARGET_COUNT_MISMATCH),
                e.errors().stream().map(FieldError::code).toList());
        assertEquals(
                List.of("name", "to"),
                e.errors().stream().map(FieldError::field).toList());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"a", "redis", "0", "a.b-c_d", "x23456789012345678901234567890123456789012345678901234567890123"})
    void validNames(String name) {
        assertTrue(Names.isValidName(name));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Redis",
                "-a",
                ".a",
                "_a",
                "a b",
                "a/b",
                "x234567890123456789012345678901234567890123456789012345678901234",
                "ä"
            })
    void invalidNames(String name) {
        assertFalse(Names.isValidName(name));
    }

    /** The check is written by hand; the pattern in its error message is the rule it must follow. */
    @Test
    void nameCheckAgreesWithItsPatternOnEveryShortName() {
        java.util.regex.Pattern rule = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
        List<String> names = new java.util.ArrayList<>(List.of("a".repeat(63), "a".repeat(64), "a".repeat(62) + "-"));
        for (char first = 0x20; first < 0x80; first++) {
            names.add(String.valueOf(first));
            for (char second : "az09_.-A/ é".toCharArray()) {
                names.add("" + first + second);
                names.add("" + second + first);
            }
        }
        for (String name : names) {
            assertEquals(rule.matcher(name).matches(), Names.isValidName(name), "'" + name + "'");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "eth0,true",
        "ens5,true",
        "enp0s31f6.100,true",
        "abcdefghijklmno,true",
        "abcdefghijklmnop,false",
        "a/b,false",
        "'a b',false",
        "'',false",
        ".,false",
        "..,false",
        "a:1,false",
        "ens*,true",
        "br-0*,true",
        "abcdefghijklmn*,true",
        "abcdefghijklmno*,false",
        "*,false",
        "e*ns,false",
        "ens**,false",
        "ens+,false",
        "'en\"s5',false",
        "e\\s,false",
        "eth0@if2,false",
        "'ens5\t',false"
    })
    void interfaceNames(String name, boolean valid) {
        assertEquals(valid, Names.isValidInterface(name));
    }

    @Test
    void outboundRejectsAWildcardWithoutPrefix() {
        ValidationException e = assertThrows(
                ValidationException.class, () -> new Outbound("all", List.of(Cidr.parse("10.0.0.0/16")), "*"));
        assertEquals("out", e.first().field());
        assertEquals(ErrorCode.INVALID_INTERFACE, e.first().code());
    }

    @Test
    void outboundRejectsBadInterfaceAndEmptySources() {
        ValidationException e =
                assertThrows(ValidationException.class, () -> new Outbound("private", List.of(), "eth0/1"));
        assertEquals(
                List.of(ErrorCode.MISSING_FIELD, ErrorCode.INVALID_INTERFACE),
                e.errors().stream().map(FieldError::code).toList());
    }

    @Test
    void settingsDefaultsAndLimits() {
        assertEquals(
                ErrorCode.INVALID_TYPE,
                assertThrows(
                                ValidationException.class,
                                () -> ModelJson.read("{\"resolve_interval_seconds\":30.5}", Settings.class))
                        .first()
                        .code());
        Settings defaults = ModelJson.read("{}", Settings.class);
        assertEquals(Settings.DEFAULTS, defaults);
        assertTrue(defaults.manageIpForward());
        assertEquals(30, defaults.resolveIntervalSeconds());
        assertEquals(60, defaults.fullCheckIntervalSeconds());
        assertTrue(defaults.sshPortOverride().isEmpty());
        assertEquals(
                ErrorCode.INVALID_VALUE,
                assertThrows(ValidationException.class, () -> new Settings(true, 0, 60, null))
                        .first()
                        .code());
        assertEquals(
                ErrorCode.INVALID_PORT,
                assertThrows(ValidationException.class, () -> new Settings(true, 30, 60, 0))
                        .first()
                        .code());
    }
}
