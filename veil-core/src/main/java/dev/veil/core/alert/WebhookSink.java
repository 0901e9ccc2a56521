package dev.veil.core.alert;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import dev.veil.core.keys.HmacSha256;

/**
 * Posts each alert as JSON to an HTTP endpoint, signed so the receiver can tell it came from Veil and was not
 * replayed: {@code X-Veil-Timestamp} (Unix seconds) and {@code X-Veil-Signature: v1=HEX}, the HMAC-SHA256 under the
 * shared secret of {@code TIMESTAMP + "." + BODY}. Receivers recompute it, compare in constant time and refuse
 * timestamps older than a few minutes ({@link #verify}). Plain {@code http} is refused except to a loopback address:
 * alerts name streams, fields and identities, which are not for the open network.
 */
public final class WebhookSink implements AlertSink {
    /** Shorter secrets are refused: the HMAC is only as strong as the secret. */
    public static final int MIN_SECRET_BYTES = 16;
    public static final String SIGNATURE_HEADER = "X-Veil-Signature";
    public static final String TIMESTAMP_HEADER = "X-Veil-Timestamp";

    private final URI url;
    private final byte[] secret;
    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;

    private WebhookSink(URI url, byte[] secret, Duration timeout, Clock clock) {
        this.url = url;
        this.secret = secret.clone();
        this.timeout = timeout;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * A sink posting to {@code url}.
     *
     * @throws IllegalArgumentException when the URL is not http(s), is plain http to a non-loopback host, or the
     *                                  secret is shorter than {@link #MIN_SECRET_BYTES}
     */
    public static WebhookSink create(String url, byte[] secret, Duration timeout, Clock clock) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhook URL '" + url + "' is not a URL: " + e.getMessage());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || u.getHost() == null) {
            throw new IllegalArgumentException("webhook URL '" + url + "' must be https://HOST/... (or http:// to a loopback address)");
        }
        if (scheme.equals("http") && !loopback(u.getHost())) {
            throw new IllegalArgumentException("webhook URL '" + url + "' uses plain http to " + u.getHost()
                    + "; use https (plain http is allowed only to a loopback address)");
        }
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the webhook secret has " + secret.length + " bytes; use at least "
                    + MIN_SECRET_BYTES + " random bytes (for example: openssl rand -hex 32)");
        }
        return new WebhookSink(u, secret, timeout, clock);
    }

    private static boolean loopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host.replace("[", "").replace("]", ""))) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return "webhook " + url.getScheme() + "://" + url.getAuthority() + url.getPath();
    }

    @Override
    public void deliver(Alert alert, byte[] json) throws IOException {
        String ts = Long.toString(clock.millis() / 1000);
        HttpRequest req = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "veil-alerts")
                .header("X-Veil-Alert-Id", alert.id())
                .header(TIMESTAMP_HEADER, ts)
                .header(SIGNATURE_HEADER, "v1=" + HexFormat.of().formatHex(sign(secret, ts, json)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        HttpResponse<Void> res;
        try {
            res = client.send(req, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while posting to " + name());
        }
        if (res.statusCode() / 100 != 2) {
            throw new IOException(name() + " answered HTTP " + res.statusCode());
        }
    }

    static byte[] sign(byte[] secret, String timestamp, byte[] body) {
        return HmacSha256.mac(secret, (timestamp + ".").getBytes(StandardCharsets.US_ASCII), body);
    }

    /**
     * What a receiver does: true when {@code signature} ({@code v1=HEX}) is the HMAC of {@code timestamp.body}
     * under {@code secret} and the timestamp is within {@code maxAge} of {@code now}.
     */
    public static boolean verify(byte[] secret, String timestamp, byte[] body, String signature, Duration maxAge, Clock now) {
        if (signature == null || !signature.startsWith("v1=") || timestamp == null) {
            return false;
        }
        long ts;
        byte[] given;
        try {
            ts = Long.parseLong(timestamp);
            given = HexFormat.of().parseHex(signature.substring(3));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (Math.abs(now.millis() / 1000 - ts) > maxAge.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(sign(secret, timestamp, body), given);
    }

    @Override
    public void close() {
        Arrays.fill(secret, (byte) 0);
    }
}
