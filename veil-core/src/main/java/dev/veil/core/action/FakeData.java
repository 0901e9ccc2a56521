package dev.veil.core.action;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The word lists of one locale for {@code fake} (resources {@code fake/CODE.txt}; see NOTICE.md there). */
final class FakeData {
    /** Locale codes with shipped lists. */
    static final List<String> LOCALES = dev.veil.core.policy.PolicyLoader.FAKE_LOCALES;
    private static final Map<String, FakeData> CACHE = new ConcurrentHashMap<>();

    final String locale;
    final String[] given;
    final String[] family;
    final String[] streets;
    final String[] suffixes;
    final String[] cities;

    private FakeData(String locale, Map<String, List<String>> s) {
        this.locale = locale;
        this.given = s.getOrDefault("given", List.of()).toArray(String[]::new);
        this.family = s.getOrDefault("family", List.of()).toArray(String[]::new);
        this.streets = s.getOrDefault("street", List.of()).toArray(String[]::new);
        this.suffixes = s.getOrDefault("suffix", List.of()).toArray(String[]::new);
        this.cities = s.getOrDefault("city", List.of()).toArray(String[]::new);
    }

    static FakeData of(String locale) {
        return CACHE.computeIfAbsent(locale, FakeData::load);
    }

    private static FakeData load(String locale) {
        if (!LOCALES.contains(locale)) {
            throw new IllegalArgumentException("no fake data for locale " + locale);
        }
        Map<String, List<String>> sections = new java.util.HashMap<>();
        try (InputStream in = FakeData.class.getResourceAsStream("fake/" + locale + ".txt")) {
            if (in == null) {
                throw new IllegalStateException("fake data for " + locale + " is missing from the jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> cur = null;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("# ")) {
                    cur = new ArrayList<>();
                    sections.put(line.substring(2).trim(), cur);
                } else if (cur != null && !line.isBlank()) {
                    cur.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FakeData d = new FakeData(locale, sections);
        if (d.given.length == 0 || d.family.length == 0) {
            throw new IllegalStateException("fake data for " + locale + " has no names");
        }
        return d;
    }

    /** Whether names of this locale are written family name first, without a space (zh, ja, ko). */
    boolean familyFirst() {
        return locale.equals("zh") || locale.equals("ja") || locale.equals("ko");
    }

    /** Whether the house number follows the street name (most of continental Europe). */
    boolean numberAfterStreet() {
        return switch (locale) {
            case "de", "nl", "sv", "pl", "it", "es", "pt", "tr", "ru" -> true;
            default -> false;
        };
    }
}
