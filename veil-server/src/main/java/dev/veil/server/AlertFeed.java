package dev.veil.server;

import dev.veil.core.alert.Alert;
import dev.veil.core.alert.AlertSink;
import io.javalin.http.sse.SseClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The alerts the console shows live: an {@link AlertSink} for the service's alerter (or anything else that raises
 * alerts in this process), keeping the most recent ones for a late reader and pushing each new one to every open
 * server-sent-event stream. Alerts carry no values ({@link Alert}), so nothing here can leak one.
 */
public final class AlertFeed implements AlertSink {
    private final int keep;
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();

    public AlertFeed(int keep) {
        this.keep = keep;
    }

    @Override
    public String name() {
        return "console feed";
    }

    @Override
    public void deliver(Alert alert, byte[] json) {
        publish(new String(json, StandardCharsets.UTF_8));
    }

    /** Adds one alert, already JSON, and sends it to every listener. */
    public void publish(String json) {
        synchronized (recent) {
            recent.addLast(json);
            while (recent.size() > keep) {
                recent.removeFirst();
            }
        }
        for (SseClient c : clients) {
            if (c.terminated()) {
                clients.remove(c);
            } else {
                c.sendEvent("alert", json);
            }
        }
    }

    /** The kept alerts, oldest first. */
    public List<String> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    /** Streams alerts to one client until it goes away: the kept ones first, then each new one. */
    void attach(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        for (String a : recent()) {
            client.sendEvent("alert", a);
        }
        clients.add(client);
    }
}
