package dev.veil.core.codec;

import static dev.veil.core.Fixtures.header;
import static dev.veil.core.Fixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.core.engine.Plan;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV/TSV rows and text lines (plain and logfmt) through the same rules, heuristics and detectors as JSON. */
class TextFormatsTest {
    static final String POLICY = header() + """
            fields:
              customer.email: EMAIL
              order_id: NONE
              ssn: US_SSN
            scan: {strings: unclassified}
            segments:
              analytics:
                actions:
                  US_SSN: drop
                  default: redact
              support:
                actions:
                  EMAIL: {mask: {keep_first: 1, keep_domain: true}}
                  US_SSN: nullify
                  PHONE: drop-record
                  default: redact
            """;

    static String view(RecordMasker m, String line, int s) throws RecordException {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        Views v = m.mask(b, 0, b.length);
        return v.dropped(s) ? null : new String(v.array(s), v.offset(s), v.length(s), StandardCharsets.UTF_8);
    }

    @Test
    void csvColumnsArePathsAndCellsNothingChangesKeepTheirBytes() throws Exception {
        Plan p = plan(POLICY);
        List<String> cols = CsvMasker.header("order_id,customer.email,ssn,\"note, free text\",full_name", ',');
        assertThat(cols).containsExactly("order_id", "customer.email", "ssn", "note, free text", "full_name");
        CsvMasker m = CsvMasker.compile(p, cols, ',');
        // analytics drops the SSN column, from the header and from every row
        assertThat(m.outputHeader(0)).isEqualTo("order_id,customer.email,\"note, free text\",full_name");
        assertThat(m.outputHeader(1)).isEqualTo("order_id,customer.email,ssn,\"note, free text\",full_name");
        assertThat(m.classification()).containsExactly(null, "EMAIL", "US_SSN", null, "PERSON_NAME");
        // a byte-order mark must not hide the first column's name from its rule
        assertThat(CsvMasker.header("\uFEFFcustomer.email,x", ',')).containsExactly("customer.email", "x");
        String row = "\"ord-1\",ana@shop.example,078-05-1120,\"call \"\"me\"\" at ana.lima@mail.example, thanks\",Ana Lima";
        assertThat(view(m, row, 0)).isEqualTo("\"ord-1\",[EMAIL],\"call \"\"me\"\" at [EMAIL], thanks\",[PERSON_NAME]");
        assertThat(view(m, row, 1)).isEqualTo("\"ord-1\",a**@shop.example,,\"call \"\"me\"\" at a**.****@mail.example, thanks\","
                + "[PERSON_NAME]");
        // a phone found in a cell drops the record for support only
        String phone = "ord-2,b@x.example,,call +1 415-555-8779,Bo";
        assertThat(view(m, phone, 1)).isNull();
        assertThat(view(m, phone, 0)).startsWith("ord-2,[EMAIL],");
        // TSV: the same with tabs
        CsvMasker t = CsvMasker.compile(p, List.of("order_id", "customer.email"), '\t');
        assertThat(view(t, "o-9\tz@q.example", 0)).isEqualTo("o-9\t[EMAIL]");
        // a CRLF row
        assertThat(view(t, "o-9\tz@q.example\r", 0)).isEqualTo("o-9\t[EMAIL]");
    }

    @Test
    void csvRowsThatCouldShiftAColumnAreRefused() throws Exception {
        CsvMasker m = CsvMasker.compile(plan(POLICY), List.of("order_id", "customer.email", "ssn"), ',');
        assertRefused(m, "a,b", "MALFORMED");
        assertRefused(m, "a,b,c,d", "MALFORMED");
        assertRefused(m, "a,\"b,c", "TRUNCATED");
        assertRefused(m, "a,\"b\"x,c", "MALFORMED");
        assertRefused(m, "a,b\"c,d", "MALFORMED");
        byte[] bad = {'a', ',', (byte) 0xc3, 0x28, ',', 'c'};
        assertThatThrownBy(() -> m.mask(bad, 0, bad.length)).isInstanceOf(RecordException.class)
                .extracting(e -> ((RecordException) e).reason().name()).isEqualTo("INVALID_UTF8");
    }

    @Test
    void plainLinesMaskOnlyTheFoundSpans() throws Exception {
        TextMasker m = TextMasker.compile(plan(POLICY), TextMasker.Layout.PLAIN);
        String line = "2026-11-24T10:00:00Z INFO login ok for ana.lima@mail.example from 10.1.2.3 (trace 7f3a9c)";
        assertThat(view(m, line, 0)).isEqualTo("2026-11-24T10:00:00Z INFO login ok for [EMAIL] from [IP_ADDRESS]"
                + " (trace 7f3a9c)");
        assertThat(view(m, "nothing to see here", 0)).isEqualTo("nothing to see here");
        assertThat(view(m, "", 0)).isEmpty();
    }

    @Test
    void logfmtKeysArePathsAndValuesAreScanned() throws Exception {
        TextMasker m = TextMasker.compile(plan(POLICY), TextMasker.Layout.LOGFMT);
        String line = "ts=2026-11-24T10:00:00Z level=info order_id=ord-ana@x.example customer.email=ana@shop.example"
                + " ssn=078-05-1120 msg=\"paid, receipt to \\\"bo.chen@mail.example\\\"\" done";
        assertThat(view(m, line, 0)).isEqualTo("ts=2026-11-24T10:00:00Z level=info order_id=ord-ana@x.example"
                + " customer.email=[EMAIL] msg=\"paid, receipt to \\\"[EMAIL]\\\"\" done");
        assertThat(view(m, line, 1)).isEqualTo("ts=2026-11-24T10:00:00Z level=info order_id=ord-ana@x.example"
                + " customer.email=a**@shop.example ssn=\"\" msg=\"paid, receipt to \\\"b*.****@mail.example\\\"\" done");
        // a bare word is free text
        assertThat(view(m, "user ana@shop.example logged in", 0)).isEqualTo("user [EMAIL] logged in");
        assertRefused(m, "a=1 msg=\"never closed", "TRUNCATED");
        // bare words between pairs are one run of free text: a card split over words is still found
        assertThat(view(m, "level=warn paid with 4111 1111 1111 1111 ok", 0)).isEqualTo("level=warn paid with"
                + " [CREDIT_CARD] ok");
        // a word with '=' that is no key (a URL with credentials and a query) is free text, scanned
        assertThat(view(m, "GET https://admin:s3cret@db.example/x?q=1 status=200", 0)).doesNotContain("s3cret")
                .endsWith(" status=200");
    }

    @Test
    void hostileLinesCostLinearTimeAndNeverEchoContent() throws Exception {
        TextMasker m = TextMasker.compile(plan(POLICY), TextMasker.Layout.LOGFMT);
        String eq = "=".repeat(200_000);
        assertThat(view(m, eq, 0)).isEqualTo(eq);
        String quotes = "k=\"" + "\\\"".repeat(100_000);
        assertThatThrownBy(() -> view(m, quotes, 0)).isInstanceOf(RecordException.class)
                .hasMessageNotContaining("\\\"\\\"");
        CsvMasker c = CsvMasker.compile(plan(POLICY), List.of("a"), ',');
        assertThatThrownBy(() -> view(c, "\"" + "\"\"".repeat(100_000), 0)).isInstanceOf(RecordException.class);
    }

    static void assertRefused(RecordMasker m, String line, String reason) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> m.mask(b, 0, b.length)).isInstanceOf(RecordException.class)
                .extracting(e -> ((RecordException) e).reason().name()).isEqualTo(reason);
    }
}
