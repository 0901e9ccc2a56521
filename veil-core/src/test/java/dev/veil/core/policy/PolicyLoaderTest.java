package dev.veil.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyLoaderTest {
    private static List<String> problems(String yaml) {
        try {
            PolicyLoader.parse(yaml, "p.yaml", Path.of("."));
        } catch (PolicyException e) {
            return e.problems().stream().map(PolicyProblem::toString).toList();
        }
        throw new AssertionError("policy was accepted");
    }

    @Test
    void loadsTheExamplePolicy() throws Exception {
        Policy p = PolicyLoader.load(Path.of("../examples/retail.yaml"));
        assertThat(p.name()).isEqualTo("retail");
        assertThat(p.segments()).containsOnlyKeys("analytics", "support");
        assertThat(p.segment("analytics").actionFor(DataClass.EMAIL)).isInstanceOf(ActionSpec.Hash.class);
        assertThat(p.segment("analytics").actionFor(DataClass.PERSON_NAME)).isInstanceOf(ActionSpec.Redact.class);
        assertThat(p.classTable().get("EMPLOYEE_ID").id()).isEqualTo(DataClass.BUILT_IN.size());
        assertThat(p.fields()).extracting(r -> r.path().toString()).contains("**.ssn", "order_id");
        assertThat(p.streams().get(0).outputFor("support")).isEqualTo("orders.support");
        assertThat(p.keys().get("default").keysetFile()).endsWith(Path.of("examples/keys/demo.keyset.json"));
        assertThat(p.version()).hasSize(64);
    }

    @Test
    void reportsEveryProblemWithFileLineColumnAndKey() {
        String yaml = """
                veil: 1
                name: shop
                colour: blue
                fields:
                  customer.email: EMIAL
                segments:
                  analytics:
                    actions:
                      EMAIL: hsah
                      CREDIT_CARD: {mask: {keep_lats: 4}}
                """;
        assertThat(problems(yaml)).containsExactly(
                "p.yaml:3:1: colour: unknown key 'colour'",
                "p.yaml:5:19: fields.customer.email: unknown class 'EMIAL' (did you mean 'EMAIL'?); define it under classes: or use a built-in one",
                "p.yaml:9:14: segments.analytics.actions.EMAIL: unknown action 'hsah' (did you mean 'hash'?); expected one of redact, mask, hash, tokenize, encrypt, fake, generalize, nullify, drop, drop-record, keep",
                "p.yaml:10:28: segments.analytics.actions.CREDIT_CARD.mask.keep_lats: unknown key 'keep_lats' (did you mean 'keep_last'?)");
    }

    @Test
    void requiresVersionNameAndSegments() {
        assertThat(problems("foo: 1\n")).containsExactly(
                "p.yaml:1:1: foo: unknown key 'foo'",
                "p.yaml:1:1: veil: missing required key 'veil' (the format version: veil: 1)",
                "p.yaml:1:1: name: missing required key 'name'",
                "p.yaml:1:1: segments: missing required key 'segments' (at least one audience, each with its actions)");
        assertThat(problems("veil: 2\nname: x\nsegments: {a: {actions: {default: redact}}}\n"))
                .containsExactly("p.yaml:1:7: veil: format version 2 is not supported; this build reads veil: 1");
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThat(problems("veil: 1\nname: x\nname: y\nsegments: {a: {actions: {default: redact}}}\n"))
                .containsExactly("p.yaml:3:1: name: duplicate key (first defined on line 2)");
    }

    @Test
    void pathsThatMeanTheSameAreRejected() {
        assertThat(problems("veil: 1\nname: x\nfields:\n  items[*].card: CREDIT_CARD\n  items.card: CREDIT_CARD\n"
                + "segments: {a: {actions: {default: redact}}}\n"))
                .containsExactly("p.yaml:5:15: fields.items.card: the same path as line 4 ([*] does not make a path different)");
        assertThat(problems("veil: 1\nname: x\nfields:\n  'a..b': EMAIL\n  'a.**': EMAIL\n  'a[0]': EMAIL\n"
                + "segments: {a: {actions: {default: redact}}}\n")).containsExactly(
                "p.yaml:4:3: fields.a..b: invalid path: empty step in path (two dots, or a leading or trailing dot)",
                "p.yaml:5:3: fields.a.**: invalid path: a path cannot end with ** (name the field, or use * for one level)",
                "p.yaml:6:3: fields.a[0]: invalid path: 'a[0]': only [*] may follow a name (array elements are not path steps; indices are not supported)");
    }

    @Test
    void cryptoActionsNeedTheirKeysAndValidOptions() {
        assertThat(problems("veil: 1\nname: x\nsegments:\n  a:\n    actions:\n      EMAIL: tokenize\n      PHONE: {fake: {locale: xx}}\n"))
                .containsExactly(
                        "p.yaml:6:14: segments.a.actions.EMAIL: tokenize needs a key: no key 'default' under keys: (add keys: {default: {keyset: FILE}})",
                        "p.yaml:7:14: segments.a.actions.PHONE: fake needs a key: no key 'default' under keys: (add keys: {default: {keyset: FILE}})",
                        "p.yaml:7:30: segments.a.actions.PHONE.fake.locale: 'xx' is not one of en, de, fr, es, it, pt, nl, sv, pl, ru, tr, ar, hi, ja, zh, ko, yo, vi");
    }

    @Test
    void hashRefusesToRunWithoutAKey() {
        assertThat(problems("veil: 1\nname: x\nsegments:\n  a:\n    actions:\n      EMAIL: hash\n"))
                .containsExactly("p.yaml:6:14: segments.a.actions.EMAIL: hash needs a key: no key 'default' under keys: (add keys: {default: {keyset: FILE}})");
    }

    @Test
    void customClassPatternsAreCheckedAsRe2() {
        assertThat(problems("veil: 1\nname: x\nclasses:\n  EMP:\n    pattern: 'EMP-(\\d'\n  email: {pattern: x}\n"
                + "  EMAIL: {pattern: x}\n  ANY: {pattern: 'a*'}\nsegments: {a: {actions: {default: redact}}}\n"))
                .containsExactly(
                        "p.yaml:5:14: classes.EMP.pattern: not a valid RE2 pattern: missing closing )",
                        "p.yaml:6:3: classes.email: class names are UPPER_SNAKE_CASE (A-Z, 0-9, _)",
                        "p.yaml:7:3: classes.EMAIL: 'EMAIL' is a built-in class; pick another name",
                        "p.yaml:8:18: classes.ANY.pattern: the pattern matches empty text; it would flag everything");
    }

    @Test
    void optionRangesAndTypes() {
        assertThat(problems("veil: 1\nname: x\nscan: {strings: some, min_score: 2}\nsegments:\n  a:\n    actions:\n"
                + "      EMAIL: {mask: {keep_first: -1, char: ab}}\n      IP_ADDRESS: {generalize: {bits: 24, prefix: 3}}\n"))
                .containsExactly(
                        "p.yaml:3:17: scan.strings: 'some' is not one of all, unclassified, none",
                        "p.yaml:3:34: scan.min_score: must be between 0.0 and 1.0, found 2",
                        "p.yaml:7:34: segments.a.actions.EMAIL.mask.keep_first: must be between 0 and 64, found -1",
                        "p.yaml:7:44: segments.a.actions.EMAIL.mask.char: char is one character that is not a letter or digit",
                        "p.yaml:8:19: segments.a.actions.IP_ADDRESS: generalize takes exactly one of: to (year, month, decade), prefix, bits, bucket");
    }

    @Test
    void thresholdsNameClasses() {
        assertThat(problems("veil: 1\nname: x\nscan: {thresholds: {PHONE: 0.8, PHOEN: 0.5, EMAIL: 2}}\n"
                + "segments: {a: {actions: {default: redact}}}\n")).containsExactly(
                "p.yaml:3:33: scan.thresholds.PHOEN: unknown class 'PHOEN' (did you mean 'PHONE'?)",
                "p.yaml:3:52: scan.thresholds.EMAIL: must be between 0.0 and 1.0, found 2");
    }

    @Test
    void moreSegmentsThanTheLeakGuardCoversAreRefusedUnlessItIsOff() throws Exception {
        StringBuilder segs = new StringBuilder("segments:\n");
        for (int i = 0; i <= 64; i++) {
            segs.append("  s").append(i).append(": {actions: {default: redact}}\n");
        }
        assertThat(problems("veil: 1\nname: x\n" + segs)).singleElement().asString()
                .contains("segments").contains("at most 64").contains("has 65");
        assertThat(PolicyLoader.parse("veil: 1\nname: x\nscan: {leak_guard: off}\n" + segs, "p.yaml", Path.of("."))
                .segments()).hasSize(65);
    }

    @Test
    void regionsAreRegionCodes() {
        assertThat(problems("veil: 1\nname: x\nscan: {regions: [DE, UK, us]}\nsegments: {a: {actions: {default: redact}}}\n"))
                .containsExactly(
                        "p.yaml:3:22: scan.regions[1]: 'UK' is not a region code (two capital letters, ISO 3166: US, GB, DE...)",
                        "p.yaml:3:26: scan.regions[2]: 'us' is not a region code (two capital letters, ISO 3166: US, GB, DE...)");
        assertThat(Fixtures.policy("veil: 1\nname: x\nscan: {regions: [GB]}\nsegments: {a: {actions: {default: redact}}}\n")
                .scan().regions()).containsExactly("GB");
    }

    @Test
    void numbersAreDecimalNotJavaLiterals() {
        assertThat(problems("veil: 1\nname: x\nsegments:\n  a:\n    actions:\n      AGE: x\n      EMAIL: {generalize: {bucket: 10d}}\n"
                + "scan: {min_score: 0x1p-1}\n")).containsExactly(
                "p.yaml:6:12: segments.a.actions.AGE: unknown action 'x'; expected one of redact, mask, hash, tokenize, encrypt, fake, generalize, nullify, drop, drop-record, keep",
                "p.yaml:6:12: segments.a.actions.AGE: unknown class 'AGE'; use a built-in class, one defined under classes:, or default",
                "p.yaml:7:36: segments.a.actions.EMAIL.generalize.bucket: expected a number between 4.9E-324 and 1.0E15",
                "p.yaml:8:19: scan.min_score: expected a number between 0.0 and 1.0");
    }

    @Test
    void streamsAndGrantsReferToDeclaredSegments() {
        assertThat(problems("veil: 1\nname: x\nsegments: {analytics: {actions: {default: redact}}, b: {actions: {default: drop}}}\n"
                + "grants: {segments: [analytcs], max_ttl: 4h}\nstreams:\n  - input: orders\n    segments: [analytics, b]\n    output: masked\n"))
                .containsExactly(
                        "p.yaml:4:21: grants.segments[0]: unknown segment 'analytcs' (did you mean 'analytics'?)",
                        "p.yaml:4:41: grants.max_ttl: expected an ISO-8601 duration such as PT4H or PT30M",
                        "p.yaml:8:13: streams[0].output: with more than one segment the output must contain {segment}, or every segment would write to the same topic");
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() {
        assertThat(problems("veil: 1\nname: [x\n")).hasSize(1).first().asString().startsWith("p.yaml:3:1: (syntax): invalid YAML");
    }

    @Test
    void versionIgnoresLayoutCommentsAndKeyOrder() {
        Policy a = Fixtures.policy("veil: 1\nname: x\nsegments: {a: {actions: {EMAIL: redact, default: drop}}}\n");
        Policy b = Fixtures.policy("# comment\nname: x\nsegments:\n  a:\n    actions:\n      default: drop\n      EMAIL: redact\nveil: 1\n");
        Policy c = Fixtures.policy("veil: 1\nname: x\nsegments: {a: {actions: {EMAIL: mask, default: drop}}}\n");
        assertThat(a.version()).isEqualTo(b.version()).isNotEqualTo(c.version());
    }

    @Test
    void segmentWithoutDefaultRedactsUnnamedClasses() {
        Policy p = Fixtures.policy("veil: 1\nname: x\nsegments: {a: {actions: {EMAIL: keep}}}\n");
        assertThat(p.segment("a").actionFor(DataClass.PHONE)).isInstanceOf(ActionSpec.Redact.class);
        assertThat(p.segment("a").actionFor(DataClass.EMAIL)).isInstanceOf(ActionSpec.Keep.class);
    }

    @Test
    void describesActionsAsWritten() {
        Policy p = Fixtures.policy(Fixtures.header() + "segments:\n  a:\n    actions:\n"
                + "      EMAIL: {mask: {keep_first: 1, keep_domain: true}}\n      PHONE: {hash: {length: 16}}\n"
                + "      IP_ADDRESS: {generalize: {bits: 24}}\n");
        assertThat(p.segment("a").actionFor(DataClass.EMAIL).describe()).isEqualTo("mask(keep_first=1, keep_domain)");
        assertThat(p.segment("a").actionFor(DataClass.PHONE).describe()).isEqualTo("hash(key=default, hex, length=16)");
        assertThat(p.segment("a").actionFor(DataClass.IP_ADDRESS).describe()).isEqualTo("generalize(bits=24)");
    }

    @Test
    void rejectsHugePolicies() {
        assertThatThrownBy(() -> PolicyLoader.parse("#".repeat(5 * 1024 * 1024), "big.yaml", Path.of(".")))
                .isInstanceOf(PolicyException.class).hasMessageContaining("larger than");
    }
}
