package dev.veil.core.codec;

import static dev.veil.core.Fixtures.header;
import static dev.veil.core.Fixtures.mask;
import static dev.veil.core.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.engine.Plan;
import dev.veil.core.policy.DataClass;
import org.junit.jupiter.api.Test;

class JsonMaskerTest {
    private static final String NO_SCAN = "scan: {strings: none, field_names: false}\n";

    private static Plan rules(String fields, String actions) {
        return plan(header() + "fields:\n" + fields + NO_SCAN + "segments:\n  a:\n    actions:\n" + actions);
    }

    @Test
    void untouchedBytesPassThroughIdentically() throws Exception {
        Plan p = rules("  user.email: EMAIL\n", "      default: redact\n");
        String in = "{ \"user\" : {\"email\":  \"ann@example.com\" ,\"n\":1.50e3}, \"x\":[ true,null ,\"\\u00e9\"] }";
        assertThat(mask(p, in)).isEqualTo(
                "{ \"user\" : {\"email\":  \"[EMAIL]\" ,\"n\":1.50e3}, \"x\":[ true,null ,\"\\u00e9\"] }");
        String clean = "{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]},\"e\":\"\\\"quoted\\\"\"}";
        JsonMasker m = new JsonMasker(p);
        byte[] b = clean.getBytes();
        Views v = m.mask(b, 0, b.length);
        assertThat(v.changed(0)).isFalse();
        assertThat(v.array(0)).isSameAs(b);
    }

    @Test
    void wildcardsAndArrays() throws Exception {
        Plan p = rules("  \"**.ssn\": US_SSN\n  items[*].card: CREDIT_CARD\n  \"*.token\": SECRET\n", "      default: redact\n");
        assertThat(mask(p, "{\"a\":{\"b\":{\"ssn\":\"1\"}},\"ssn\":\"2\",\"items\":[{\"card\":\"3\"},{\"card\":\"4\",\"sku\":\"5\"}],"
                + "\"x\":{\"token\":\"6\",\"y\":{\"token\":\"7\"}}}"))
                .isEqualTo("{\"a\":{\"b\":{\"ssn\":\"[US_SSN]\"}},\"ssn\":\"[US_SSN]\",\"items\":[{\"card\":\"[CREDIT_CARD]\"},"
                        + "{\"card\":\"[CREDIT_CARD]\",\"sku\":\"5\"}],\"x\":{\"token\":\"[SECRET]\",\"y\":{\"token\":\"7\"}}}");
    }

    @Test
    void aRuleOnAContainerCoversEveryValueInside() throws Exception {
        Plan p = rules("  customer.address: STREET_ADDRESS\n  customer.address.country: NONE\n  phones: PHONE\n",
                "      default: redact\n");
        assertThat(mask(p, "{\"customer\":{\"address\":{\"street\":\"1 Elm St\",\"zip\":94107,\"geo\":[1.5,2.5],"
                + "\"country\":\"FR\"}},\"phones\":[\"+1 415 555 0100\",[\"+33 1 23 45 67 89\"]]}"))
                .isEqualTo("{\"customer\":{\"address\":{\"street\":\"[STREET_ADDRESS]\",\"zip\":\"[STREET_ADDRESS]\","
                        + "\"geo\":[\"[STREET_ADDRESS]\",\"[STREET_ADDRESS]\"],\"country\":\"FR\"}},"
                        + "\"phones\":[\"[PHONE]\",[\"[PHONE]\"]]}");
    }

    @Test
    void moreSpecificRulesWin() throws Exception {
        Plan p = rules("  \"**.id\": US_SSN\n  order.id: NONE\n  \"*.id\": EMAIL\n", "      default: redact\n");
        assertThat(mask(p, "{\"order\":{\"id\":\"o1\"},\"user\":{\"id\":\"u1\"},\"a\":{\"b\":{\"id\":\"x\"}}}"))
                .isEqualTo("{\"order\":{\"id\":\"o1\"},\"user\":{\"id\":\"[EMAIL]\"},\"a\":{\"b\":{\"id\":\"[US_SSN]\"}}}");
    }

    @Test
    void dropRemovesTheMemberAndOneComma() throws Exception {
        Plan p = rules("  a: EMAIL\n  b: EMAIL\n  c: EMAIL\n", "      EMAIL: drop\n");
        assertThat(mask(p, "{\"a\":1,\"b\":2,\"c\":3}")).isEqualTo("{}");
        assertThat(mask(p, "{\"a\":1,\"x\":2,\"c\":3}")).isEqualTo("{\"x\":2}");
        assertThat(mask(p, "{\"x\":1,\"b\":2,\"y\":3}")).isEqualTo("{\"x\":1,\"y\":3}");
        assertThat(mask(p, "{\"x\":1, \"c\" : {\"n\":[1,{\"z\":2}]} }")).isEqualTo("{\"x\":1 }");
        assertThat(mask(p, "{ \"a\" : \"v\" , \"x\" : 1 }")).isEqualTo("{  \"x\" : 1 }");
        assertThat(mask(p, "{\"x\":{\"a\":1},\"b\":null,\"y\":[\"a\"]}")).isEqualTo("{\"x\":{\"a\":1},\"y\":[\"a\"]}");
        // regression (review): dropping the last two members left a trailing comma
        Plan ssn = rules("  ssn: US_SSN\n  itin: US_SSN\n", "      US_SSN: drop\n");
        assertThat(mask(ssn, "{\"id\":7,\"ssn\":\"1\",\"itin\":\"2\"}")).isEqualTo("{\"id\":7}");
        assertThat(mask(ssn, "{\"a\":1 ,\"ssn\":\"1\" ,\"ssn\":\"3\" }")).isEqualTo("{\"a\":1   }");
        assertThat(mask(ssn, "{\"ssn\":1,\"itin\":2,\"k\":3}")).isEqualTo("{\"k\":3}");
        assertThat(mask(ssn, "{\"ssn\":1,\"k\":3,\"itin\":2}")).isEqualTo("{\"k\":3}");
        assertThat(mask(ssn, "[{\"ssn\":1},{\"k\":[{\"ssn\":1,\"itin\":2}],\"ssn\":{\"itin\":1}}]")).isEqualTo("[{},{\"k\":[{\"ssn\":1,\"itin\":2}]}]");
        Plan elems = rules("  tags: EMAIL\n", "      EMAIL: drop\n");
        assertThat(mask(elems, "{\"tags\":[\"a\",\"b\"],\"k\":1}")).isEqualTo("{\"k\":1}");
    }

    @Test
    void dropInsideArraysFromDetection() throws Exception {
        Plan p = plan(header() + "scan: {strings: all, field_names: false}\nsegments:\n  a:\n    actions:\n      EMAIL: drop\n"
                + "      default: keep\n");
        assertThat(mask(p, "{\"cc\":[\"x\",\"write to ann@example.com now\",\"y\"]}"))
                .isEqualTo("{\"cc\":[\"x\",\"write to  now\",\"y\"]}");
    }

    @Test
    void keyEscapesCannotHideAField() throws Exception {
        Plan p = rules("  email: EMAIL\n", "      default: redact\n");
        assertThat(mask(p, "{\"\\u0065mail\":\"ann@example.com\"}")).isEqualTo("{\"\\u0065mail\":\"[EMAIL]\"}");
        Plan d = rules("  email: EMAIL\n", "      EMAIL: drop\n");
        assertThat(mask(d, "{\"x\\\"y\":1,\"e\\u006dail\":\"a\"}")).isEqualTo("{\"x\\\"y\":1}");
    }

    @Test
    void duplicateKeysAreEachMasked() throws Exception {
        Plan p = rules("  email: EMAIL\n", "      default: redact\n");
        assertThat(mask(p, "{\"email\":\"a@x.io\",\"email\":\"b@x.io\"}")).isEqualTo("{\"email\":\"[EMAIL]\",\"email\":\"[EMAIL]\"}");
    }

    @Test
    void numbersAndBooleansByPath() throws Exception {
        Plan p = rules("  ssn: US_SSN\n  age: DATE_OF_BIRTH\n  vip: PERSON_NAME\n  n: PHONE\n",
                "      US_SSN: {mask: {keep_last: 4}}\n      DATE_OF_BIRTH: {generalize: {bucket: 10}}\n      PHONE: nullify\n"
                + "      default: redact\n");
        assertThat(mask(p, "{\"ssn\":123456789,\"age\":37,\"vip\":true,\"n\":4155550100}"))
                .isEqualTo("{\"ssn\":\"*****6789\",\"age\":30,\"vip\":\"[PERSON_NAME]\",\"n\":null}");
    }

    @Test
    void oneParseManyViews() throws Exception {
        Plan p = plan(header() + "fields:\n  email: EMAIL\n  ssn: US_SSN\n" + NO_SCAN + "segments:\n"
                + "  analytics:\n    actions:\n      EMAIL: hash\n      US_SSN: drop\n"
                + "  support:\n    actions:\n      EMAIL: {mask: {keep_first: 1, keep_domain: true}}\n      US_SSN: drop-record\n"
                + "  raw:\n    actions:\n      default: keep\n");
        JsonMasker m = new JsonMasker(p);
        String in = "{\"email\":\"maria@example.com\",\"ssn\":\"123-45-6789\",\"k\":1}";
        String a = mask(m, in, 0);
        assertThat(a).matches("\\{\"email\":\"[0-9a-f]{64}\",\"k\":1}");
        byte[] b = in.getBytes();
        Views v = m.mask(b, 0, b.length);
        assertThat(v.dropped(1)).isTrue();
        assertThat(v.toBytes(1)).isNull();
        assertThat(new String(v.toBytes(2))).isEqualTo(in);
        assertThat(mask(m, "{\"email\":\"maria@example.com\"}", 1)).isEqualTo("{\"email\":\"m****@example.com\"}");
        assertThat(mask(m, in, 0)).isEqualTo(a);
    }

    @Test
    void noneIsNeverScannedOrMasked() throws Exception {
        Plan p = plan(header() + "fields:\n  note: NONE\n  email: NONE\nsegments:\n  a:\n    actions:\n      default: redact\n");
        String in = "{\"note\":\"mail ann@example.com\",\"email\":\"bob@example.com\"}";
        assertThat(mask(p, in)).isEqualTo(in);
    }

    @Test
    void fieldNameHeuristicsClassifyUndeclaredFields() throws Exception {
        Plan p = plan(header() + "scan: {strings: none}\nsegments:\n  a:\n    actions:\n      default: redact\n");
        assertThat(mask(p, "{\"emailAddress\":\"x\",\"customer\":{\"name\":\"Ann\"},\"product\":{\"name\":\"Lamp\"},"
                + "\"email_verified\":true,\"billing\":{\"zip\":\"94107\"}}"))
                .isEqualTo("{\"emailAddress\":\"[EMAIL]\",\"customer\":{\"name\":\"[PERSON_NAME]\"},\"product\":{\"name\":\"Lamp\"},"
                        + "\"email_verified\":true,\"billing\":{\"zip\":\"[STREET_ADDRESS]\"}}");
    }

    @Test
    void contentDetectionReplacesOnlyTheSpans() throws Exception {
        Plan p = plan(header() + "scan: {strings: all}\nsegments:\n  a:\n    actions:\n      EMAIL: {mask: {keep_domain: true}}\n"
                + "      CREDIT_CARD: {mask: {keep_last: 4}}\n      default: redact\n");
        assertThat(mask(p, "{\"msg\":\"Card 4111 1111 1111 1111, mail ann@example.com, ip 10.1.2.3 ok\"}"))
                .isEqualTo("{\"msg\":\"Card **** **** **** 1111, mail ***@example.com, ip [IP_ADDRESS] ok\"}");
    }

    @Test
    void jsonInsideAStringIsScannedAsTextAndStaysValid() throws Exception {
        Plan p = plan(header() + "segments:\n  a:\n    actions:\n      default: redact\n");
        assertThat(mask(p, "{\"payload\":\"{\\\"user\\\":\\\"ann@example.com\\\",\\\"n\\\":1}\"}"))
                .isEqualTo("{\"payload\":\"{\\\"user\\\":\\\"[EMAIL]\\\",\\\"n\\\":1}\"}");
    }

    @Test
    void scanAllStillLooksInsideKeptClasses() throws Exception {
        String base = header() + "fields:\n  name: PERSON_NAME\n";
        String segs = "segments:\n  a:\n    actions:\n      PERSON_NAME: keep\n      default: redact\n";
        String in = "{\"name\":\"Ann (ann@example.com)\"}";
        assertThat(mask(plan(base + "scan: {strings: all}\n" + segs), in)).isEqualTo("{\"name\":\"Ann ([EMAIL])\"}");
        assertThat(mask(plan(base + "scan: {strings: unclassified}\n" + segs), in)).isEqualTo(in);
    }

    @Test
    void replacementTextIsEscaped() throws Exception {
        Plan p = rules("  a: EMAIL\n", "      EMAIL: {redact: {with: \"q\\\"\\\\\\u0001é😀\"}}\n");
        assertThat(mask(p, "{\"a\":\"x\"}")).isEqualTo("{\"a\":\"q\\\"\\\\\\u0001é😀\"}");
    }

    @Test
    void loneSurrogatesSurviveMasking() throws Exception {
        Plan p = rules("  a: EMAIL\n", "      EMAIL: {mask: {keep_first: 2}}\n");
        assertThat(mask(p, "{\"a\":\"\\ud800abcd\"}")).isEqualTo("{\"a\":\"\\ud800ab**\"}");
    }

    @Test
    void rootScalarsAndArrays() throws Exception {
        Plan p = plan(header() + "segments:\n  a:\n    actions:\n      default: redact\n");
        assertThat(mask(p, "\"ann@example.com\"")).isEqualTo("\"[EMAIL]\"");
        assertThat(mask(p, "[1,\"ann@example.com\"]")).isEqualTo("[1,\"[EMAIL]\"]");
        assertThat(mask(p, "42")).isEqualTo("42");
    }

    @Test
    void countsValuesByClass() throws Exception {
        Plan p = plan(header() + "fields:\n  e: EMAIL\nsegments:\n  a:\n    actions:\n      default: redact\n");
        JsonMasker m = new JsonMasker(p);
        mask(m, "{\"e\":\"x\",\"t\":\"call +1 415 555 0100 or ann@example.com\"}", 0);
        assertThat(m.classCounts()[DataClass.EMAIL.id()]).isEqualTo(2);
        assertThat(m.classCounts()[DataClass.PHONE.id()]).isEqualTo(1);
    }
}
