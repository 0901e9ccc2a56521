package dev.veil.kafka;

import dev.veil.core.codec.JsonText;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Synthetic events in the shapes of the shared benchmark corpus — orders, support tickets and auth logs — for
 * dev mode and tests. All values are invented; card numbers are the networks' public test numbers.
 * Deterministic per seed: the same seed gives the same events.
 */
public final class DemoEvents {
    /** The topics the demo writes, in the order {@link #next} cycles through them. */
    public static final String ORDERS = "orders";
    public static final String TICKETS = "tickets";
    public static final String AUTH_LOGS = "auth-logs";

    private static final String[] GIVEN = {"Amara", "Hiroshi", "Ingrid", "Mateo", "Nkechi", "Siddharth", "Olga",
        "Jamal", "Mei", "Tomasz", "Leilani", "Rafael", "Yasmin", "Erik", "Thanh", "Camila", "Kwame", "Anouk"};
    private static final String[] FAMILY = {"Okafor", "Nakamura", "Lindqvist", "Fernandez", "Eze", "Iyer", "Petrova",
        "Haddad", "Lin", "Nowak", "Kahale", "Duarte", "Rahman", "Johansson", "Nguyen", "Restrepo", "Mensah", "de Vries"};
    private static final String[] STREETS = {"Birch Lane", "Harbour Road", "Kings Avenue", "Calle Mayor", "Ring Street",
        "Lakeview Drive", "Mill Court", "Station Road"};
    private static final String[] CITIES = {"Denver", "Bristol", "Rotterdam", "Valencia", "Graz", "Auckland", "Halifax"};
    private static final String[] CARDS = {"4111111111111111", "5555555555554444", "378282246310005",
        "6011111111111117", "4012888888881881"};
    private static final String[] DOMAINS = {"example.com", "mail.test", "shop.example.net"};

    private final SplittableRandom r;
    private long n;

    public DemoEvents(long seed) {
        this.r = new SplittableRandom(seed);
    }

    /** One generated event, the topic it belongs to and its record key (null: unkeyed, as auth logs are). */
    public record Event(String topic, String key, String json) {
    }

    /** The next event; topics rotate orders, tickets, auth-logs. */
    public Event next() {
        long i = n++;
        return switch ((int) (i % 3)) {
            case 0 -> order(i);
            case 1 -> ticket(i);
            default -> authLog(i);
        };
    }

    /** The next order event (orders only). */
    public Event nextOrder() {
        return order(n++);
    }

    private String pick(String[] a) {
        return a[r.nextInt(a.length)];
    }

    private String ts(long i) {
        return String.format(Locale.ROOT, "2026-11-%02dT%02d:%02d:%02dZ", 1 + i % 28, i % 24, i % 60, (i * 7) % 60);
    }

    private String email(String given, String family) {
        return (given + "." + family).toLowerCase(Locale.ROOT).replace(' ', '-') + r.nextInt(100) + "@" + pick(DOMAINS);
    }

    private String phone() {
        return switch (r.nextInt(4)) {
            case 0 -> String.format(Locale.ROOT, "+1 303-555-%04d", r.nextInt(10_000));
            case 1 -> String.format(Locale.ROOT, "(720) 555-%04d", r.nextInt(10_000));
            case 2 -> String.format(Locale.ROOT, "+44 20 7946 %04d", r.nextInt(10_000));
            default -> String.format(Locale.ROOT, "+31 20 555 %04d", r.nextInt(10_000));
        };
    }

    private String ssn() {
        return String.format(Locale.ROOT, "%03d-%02d-%04d", 1 + r.nextInt(664), 1 + r.nextInt(98), 1 + r.nextInt(9998));
    }

    private String card() {
        String c = pick(CARDS);
        if (r.nextBoolean()) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < c.length(); k += 4) {
                if (k > 0) {
                    sb.append(' ');
                }
                sb.append(c, k, Math.min(k + 4, c.length()));
            }
            return sb.toString();
        }
        return c;
    }

    private String ip() {
        return (1 + r.nextInt(222)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private static String q(String s) {
        return JsonText.quote(s, new StringBuilder()).toString();
    }

    private Event order(long i) {
        String g = pick(GIVEN);
        String f = pick(FAMILY);
        String customerId = String.format(Locale.ROOT, "c-%06d", r.nextInt(1_000_000));
        String note = switch (r.nextInt(4)) {
            case 0 -> "";
            case 1 -> "Leave it with the neighbour";
            case 2 -> "Call me at " + phone() + " before delivery";
            default -> "Gift for " + pick(GIVEN) + " " + pick(FAMILY);
        };
        String json = "{\"event\":\"order_created\",\"ts\":\"" + ts(i) + "\",\"order_id\":\""
                + String.format(Locale.ROOT, "ord-%08d", i) + "\",\"customer\":{\"id\":\"" + customerId + "\",\"name\":"
                + q(g + " " + f) + ",\"email\":" + q(email(g, f)) + ",\"phone\":" + q(phone()) + ",\"ssn\":\"" + ssn()
                + "\",\"address\":{\"street\":" + q((1 + r.nextInt(9998)) + " " + pick(STREETS)) + ",\"city\":"
                + q(pick(CITIES)) + ",\"zip\":\"" + String.format(Locale.ROOT, "%05d", r.nextInt(100_000)) + "\"}},"
                + "\"payment\":{\"card\":\"" + card() + "\",\"exp\":\"" + String.format(Locale.ROOT, "%02d/%02d",
                1 + r.nextInt(12), 27 + r.nextInt(5)) + "\",\"amount\":" + String.format(Locale.ROOT, "%.2f",
                r.nextDouble() * 500) + ",\"currency\":\"USD\"},\"items\":[{\"sku\":\"" + String.format(Locale.ROOT,
                "SKU-%05d", r.nextInt(100_000)) + "\",\"qty\":" + (1 + r.nextInt(4)) + ",\"price\":"
                + String.format(Locale.ROOT, "%.2f", r.nextDouble() * 100) + "}],\"client_ip\":\"" + ip()
                + "\",\"note\":" + q(note) + "}";
        return new Event(ORDERS, customerId, json);
    }

    private Event ticket(long i) {
        String g = pick(GIVEN);
        String f = pick(FAMILY);
        String ticket = String.format(Locale.ROOT, "T-%07d", i);
        String body = "Hi, this is " + g + " " + f + ". My card " + card() + " was charged twice. Reach me at "
                + email(g, f) + " or " + phone() + ". My SSN is " + ssn() + " if you need to verify.";
        String json = "{\"event\":\"support_ticket\",\"ts\":\"" + ts(i) + "\",\"ticket\":\"" + ticket
                + "\",\"channel\":\"" + (r.nextBoolean() ? "email" : "chat") + "\",\"subject\":\"Problem with order "
                + String.format(Locale.ROOT, "ord-%08d", r.nextInt(100_000_000)) + "\",\"body\":" + q(body)
                + ",\"agent\":{\"id\":\"" + String.format(Locale.ROOT, "agent-%03d", r.nextInt(1000))
                + "\",\"team\":\"billing\"},\"priority\":" + (1 + r.nextInt(4)) + "}";
        return new Event(TICKETS, ticket, json);
    }

    private Event authLog(long i) {
        String g = pick(GIVEN);
        String f = pick(FAMILY);
        String trace = Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
        String json = "{\"level\":\"" + (r.nextInt(5) == 0 ? "WARN" : "INFO") + "\",\"ts\":\"" + ts(i)
                + "\",\"service\":\"auth\",\"logger\":\"com.example.auth.LoginHandler\",\"message\":"
                + q("login " + (r.nextInt(4) == 0 ? "failed" : "succeeded") + " for user " + email(g, f) + " from "
                + ip() + " (session " + Long.toHexString(r.nextLong()) + ")") + ",\"http\":{\"method\":\"POST\","
                + "\"path\":\"/v1/login\",\"status\":" + (r.nextInt(4) == 0 ? 401 : 200) + ",\"latency_ms\":"
                + (1 + r.nextInt(900)) + "},\"trace_id\":\"" + trace + "\"}";
        return new Event(AUTH_LOGS, null, json);
    }
}
