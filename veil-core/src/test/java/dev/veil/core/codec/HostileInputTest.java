package dev.veil.core.codec;

import static dev.veil.core.Fixtures.header;
import static dev.veil.core.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Input built to break the masker: it must refuse with a clean reason and never echo content. */
class HostileInputTest {
    private static final String CANARY = "canary-7f3a9@leak.example";
    private static final Plan PLAN = plan(header() + "fields:\n  secret: SECRET\nsegments:\n  a:\n    actions:\n      default: redact\n");

    private static RecordException refuse(Plan plan, byte[] b) {
        JsonMasker m = new JsonMasker(plan);
        try {
            m.mask(b, 0, b.length);
        } catch (RecordException e) {
            assertThat(e.getMessage()).doesNotContain(CANARY).doesNotContain("canary");
            return e;
        }
        throw new AssertionError("record was accepted");
    }

    @Test
    void everyTruncationIsRefused() {
        String rec = "{\"secret\":\"" + CANARY + "\",\"a\":[1,{\"b\":\"" + CANARY + "\"}],\"n\":-1.5e3,\"t\":true}";
        byte[] full = rec.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < full.length; cut++) {
            RecordException e = refuse(PLAN, Arrays.copyOf(full, cut));
            assertThat(e.reason()).isIn(RecordException.Reason.TRUNCATED, RecordException.Reason.INVALID_JSON);
        }
    }

    @Test
    void deepNestingIsRefusedWithoutStackOverflow() {
        int depth = 100_000;
        byte[] b = new byte[depth * 2];
        Arrays.fill(b, 0, depth, (byte) '[');
        Arrays.fill(b, depth, 2 * depth, (byte) ']');
        RecordException e = refuse(PLAN, b);
        assertThat(e.reason()).isEqualTo(RecordException.Reason.TOO_DEEP);
        assertThat(e.getMessage()).isEqualTo("nesting deeper than 64");
        byte[] objects = ("{\"a\":".repeat(depth)).getBytes(StandardCharsets.UTF_8);
        assertThat(refuse(PLAN, objects).reason()).isEqualTo(RecordException.Reason.TOO_DEEP);
    }

    @Test
    void hugeStringsAreRefusedBySizeOrMaskedWhenAllowed() throws Exception {
        StringBuilder sb = new StringBuilder(50 * 1024 * 1024 + 64);
        sb.append("{\"secret\":\"");
        while (sb.length() < 50 * 1024 * 1024) {
            sb.append(CANARY).append(' ');
        }
        sb.append("\"}");
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        sb = null;
        RecordException e = refuse(PLAN, b);
        assertThat(e.reason()).isEqualTo(RecordException.Reason.TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo("record of " + b.length + " bytes is larger than the limit of 4194304");

        Plan big = plan(header() + "fields:\n  secret: SECRET\nsegments:\n  a:\n    actions:\n      default: redact\n",
                new Limits(64 * 1024 * 1024, 64));
        Views v = new JsonMasker(big).mask(b, 0, b.length);
        assertThat(new String(v.toBytes(0), StandardCharsets.UTF_8)).isEqualTo("{\"secret\":\"[SECRET]\"}");
    }

    @Test
    void hugeUnclassifiedStringIsScannedInOnePass() throws Exception {
        Plan p = plan(header() + "segments:\n  a:\n    actions:\n      default: redact\n", new Limits(8 * 1024 * 1024, 64));
        String body = "a@".repeat(300_000) + "1-".repeat(300_000) + "AKIA".repeat(100_000) + " ann@example.com";
        byte[] b = ("{\"t\":\"" + body + "\"}").getBytes(StandardCharsets.UTF_8);
        String out = new String(new JsonMasker(p).mask(b, 0, b.length).toBytes(0), StandardCharsets.UTF_8);
        assertThat(out).endsWith(" [EMAIL]\"}").doesNotContain("ann@example.com");
    }

    @Test
    void invalidUtf8IsRefused() throws Exception {
        byte[][] cases = {
            {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'},                 // never valid
            {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'},    // overlong '/'
            {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'}, // surrogate
            {'{', '"', 'a', '"', ':', '"', (byte) 0xe2, (byte) 0x82, '"', '}'},    // truncated sequence
            {'{', '"', 'a', '"', ':', '"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', '}'}, // > U+10FFFF
            {'"', (byte) 0xe2, (byte) 0x82},                                        // cut at the end
        };
        for (byte[] c : cases) {
            assertThat(refuse(PLAN, c).reason()).isEqualTo(RecordException.Reason.INVALID_UTF8);
        }
        byte[] ok = "{\"secret\":\"é€😀\",\"b\":\"😀€é\"}".getBytes(StandardCharsets.UTF_8);
        Views v = new JsonMasker(PLAN).mask(ok, 0, ok.length);
        assertThat(new String(v.toBytes(0), StandardCharsets.UTF_8)).isEqualTo("{\"secret\":\"[SECRET]\",\"b\":\"😀€é\"}");
    }

    @Test
    void invalidJsonNeverQuotesInput() {
        String[] bad = {"{\"secret\":" + CANARY + "}", "{'secret':'" + CANARY + "'}", "{\"a\":1}{\"b\":\"" + CANARY + "\"}",
            "[" + CANARY + "]", "{\"a\":NaN,\"c\":\"" + CANARY + "\"}", "", "   ", "{\"a\":1,}", "{\"" + CANARY + "\"}"};
        for (String s : bad) {
            RecordException e = refuse(PLAN, s.getBytes(StandardCharsets.UTF_8));
            assertThat(e.getMessage()).matches("(invalid JSON at byte \\d+: (unexpected character|invalid number|more than one value in the record)"
                    + "|empty record|truncated JSON: input ends inside a value)");
        }
    }

    @Test
    void hugeNumbersAndKeysHitLimits() {
        byte[] num = ("{\"a\":" + "9".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(refuse(PLAN, num).reason()).isEqualTo(RecordException.Reason.LIMIT);
    }

    @Test
    void manyDistinctKeysDoNotBreakTheMasker() throws Exception {
        JsonMasker m = new JsonMasker(PLAN);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = ("{\"k" + i + "\":1,\"secret\":\"x\"}").getBytes(StandardCharsets.UTF_8);
            assertThat(new String(m.mask(b, 0, b.length).toBytes(0), StandardCharsets.UTF_8))
                    .isEqualTo("{\"k" + i + "\":1,\"secret\":\"[SECRET]\"}");
        }
    }

    @Test
    void refusedRecordDoesNotDisturbTheNext() throws Exception {
        JsonMasker m = new JsonMasker(PLAN);
        byte[] bad = "{\"secret\":\"x\",\"b\":[".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> m.mask(bad, 0, bad.length)).isInstanceOf(RecordException.class);
        byte[] good = "{\"secret\":\"y\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(m.mask(good, 0, good.length).toBytes(0), StandardCharsets.UTF_8)).isEqualTo("{\"secret\":\"[SECRET]\"}");
    }
}
