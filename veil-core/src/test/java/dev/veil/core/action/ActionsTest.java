package dev.veil.core.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.Fixtures;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.ActionSpec;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActionsTest {
    /** Compiles the action the test policy gives EMAIL and runs it on one value. */
    static String run(String action, String value, boolean number) throws Exception {
        Policy p = Fixtures.policy(Fixtures.header() + "segments:\n  a:\n    actions:\n      EMAIL: " + action + "\n");
        KeyRing keys = Fixtures.keys(p);
        Action a = Actions.compile(p.segment("a").actionFor(DataClass.EMAIL), DataClass.EMAIL, keys);
        StringBuilder sb = new StringBuilder();
        a.replace(value, number, new ValueOut() {
            @Override
            public void string(CharSequence s) {
                sb.append("s:").append(s);
            }

            @Override
            public void number(CharSequence s) {
                sb.append("n:").append(s);
            }

            @Override
            public void nul() {
                sb.append("null");
            }
        });
        return sb.toString();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(delimiter = '|', value = {
        "redact | anything | s:[EMAIL]",
        "{redact: {with: '***'}} | anything | s:***",
        "mask | 4111 1111 1111 1111 | s:**** **** **** ****",
        "{mask: {keep_last: 4}} | 4111 1111 1111 1111 | s:**** **** **** 1111",
        "{mask: {keep_last: 4}} | 123-45-6789 | s:***-**-6789",
        "{mask: {keep_last: 4, keep_separators: false}} | 123-45-6789 | s:*******6789",
        "{mask: {keep_first: 1, keep_domain: true}} | maria.garcia@example.com | s:m****.******@example.com",
        "{mask: {keep_first: 1, keep_domain: true}} | m@example.com | s:*@example.com",
        "{mask: {keep_first: 3, keep_last: 3}} | Ann | s:**n",
        "{mask: {keep_first: 10}} | abcd | s:ab**",
        "{mask: {char: '#'}} | ab-c | s:##-#",
        "{mask: {keep_last: 2}} | Łódź😀ab | s:****😀ab",
        "{generalize: {to: year}} | 1985-07-21 | s:1985",
        "{generalize: {to: month}} | 1985-07-21T10:00:00Z | s:1985-07",
        "{generalize: {to: decade}} | 21.07.1985 | s:1980s",
        "{generalize: {to: month}} | 07/21/1985 | s:1985-07",
        "{generalize: {to: year}} | 19850721 | s:1985",
        "{generalize: {to: year}} | next tuesday | s:[EMAIL]",
        "{generalize: {to: month}} | 1985 | s:[EMAIL]",
        "{generalize: {prefix: 3}} | 94107 | s:941",
        "{generalize: {prefix: 9}} | 94107 | s:[EMAIL]",
        "{generalize: {bucket: 10}} | 1e999999 | s:[EMAIL]",
        "mask | !@#$%^&* | s:********",
        "{generalize: {bits: 24}} | 192.168.17.201 | s:192.168.17.0",
        "{generalize: {bits: 20}} | 192.168.17.201 | s:192.168.16.0",
        "{generalize: {bits: 0}} | 192.168.17.201 | s:0.0.0.0",
        "{generalize: {bits: 48}} | 2001:db8:85a3::8a2e:370:7334 | s:2001:db8:85a3::",
        "{generalize: {bits: 64}} | 2001:db8:0:1:2:3:4:5 | s:2001:db8:0:1::",
        "{generalize: {bits: 24}} | ::ffff:10.1.2.3 | s::: ",
        "{generalize: {bits: 24}} | 300.1.1.1 | s:[EMAIL]",
        "{generalize: {bits: 24}} | 1:2:3 | s:[EMAIL]",
        "{generalize: {bucket: 10}} | 37.5 | s:30",
        "{generalize: {bucket: 0.5}} | 37.7 | s:37.5",
        "{generalize: {bucket: 10}} | -3 | s:-10",
        "{generalize: {bucket: 10}} | abc | s:[EMAIL]",
        "nullify | x | null",
    })
    void stringValues(String action, String value, String expected) throws Exception {
        assertThat(run(action, value, false)).isEqualTo(expected.trim().equals("s::") ? "s::" : expected);
    }

    @Test
    void numbers() throws Exception {
        assertThat(run("{generalize: {bucket: 100}}", "1234", true)).isEqualTo("n:1200");
        assertThat(run("{mask: {keep_last: 4}}", "123456789", true)).isEqualTo("s:*****6789");
        assertThat(run("{generalize: {to: year}}", "490838400", true)).isEqualTo("s:1985");
        assertThat(run("{generalize: {to: year}}", "1985", true)).isEqualTo("s:1985");
        assertThat(run("{generalize: {to: month}}", "19850721", true)).isEqualTo("s:1985-07");
        assertThat(run("{generalize: {to: year}}", "490838400000", true)).isEqualTo("s:1985");
        assertThat(run("redact", "12", true)).isEqualTo("s:[EMAIL]");
    }

    @Test
    void hashIsKeyedDeterministicAndShaped() throws Exception {
        String a = run("hash", "ann@example.com", false);
        assertThat(a).matches("s:[0-9a-f]{64}");
        assertThat(run("hash", "ann@example.com", false)).isEqualTo(a);
        assertThat(run("hash", "ann@example.con", false)).isNotEqualTo(a);
        assertThat(run("{hash: {length: 16}}", "ann@example.com", false)).isEqualTo(a.substring(0, 18));
        assertThat(run("{hash: {encoding: base64url, length: 20}}", "ann@example.com", false)).matches("s:[A-Za-z0-9_-]{20}");
        // the unkeyed SHA-256 of the value must not appear: the hash is an HMAC
        String plain = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("ann@example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(a).isNotEqualTo("s:" + plain);
    }

    @Test
    void differentKeysGiveUnrelatedHashes() throws Exception {
        KeyRing k1 = KeyRing.of(java.util.Map.of("default", new dev.veil.core.policy.KeySpec("default", null, "K",
                new dev.veil.core.policy.Location("t", 1, 1, "keys.default"))), java.util.Map.of("K",
                KeyRing.newKeysetJson(KeyRing.KeyType.HMAC_PRF))::get);
        KeyRing k2 = KeyRing.of(java.util.Map.of("default", new dev.veil.core.policy.KeySpec("default", null, "K",
                new dev.veil.core.policy.Location("t", 1, 1, "keys.default"))), java.util.Map.of("K",
                KeyRing.newKeysetJson(KeyRing.KeyType.HMAC_PRF))::get);
        ActionSpec.Hash spec = new ActionSpec.Hash("default", 64, ActionSpec.Hash.Encoding.HEX, null);
        Hash h1 = new Hash(spec, k1.keyedHash("default"));
        Hash h2 = new Hash(spec, k2.keyedHash("default"));
        assertThat(h1.digest("x")).isNotEqualTo(h2.digest("x"));
    }
}
