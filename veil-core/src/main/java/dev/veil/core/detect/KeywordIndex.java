package dev.veil.core.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Case-insensitive lookup of short keywords at a position, by their first two letters: most positions cost one
 * array read. Keywords start with an ASCII letter; the second character may be anything.
 */
final class KeywordIndex {
    private static final int OTHER = 26;
    private final String[][][] table = new String[26][27][];

    KeywordIndex(String... keywords) {
        List<List<List<String>>> t = new ArrayList<>();
        for (int a = 0; a < 26; a++) {
            List<List<String>> row = new ArrayList<>();
            for (int b = 0; b < 27; b++) {
                row.add(new ArrayList<>());
            }
            t.add(row);
        }
        for (String k : keywords) {
            String w = k.toLowerCase(Locale.ROOT);
            int a = w.charAt(0) - 'a';
            if (a < 0 || a >= 26 || w.length() < 2) {
                throw new IllegalArgumentException("keywords start with two characters, the first an ASCII letter: " + k);
            }
            t.get(a).get(slot(w.charAt(1))).add(w);
        }
        for (int a = 0; a < 26; a++) {
            for (int b = 0; b < 27; b++) {
                List<String> l = t.get(a).get(b);
                l.sort((x, y) -> y.length() - x.length()); // longest first
                table[a][b] = l.isEmpty() ? null : l.toArray(new String[0]);
            }
        }
    }

    private static int slot(char c) {
        char l = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        return l >= 'a' && l <= 'z' ? l - 'a' : OTHER;
    }

    /** The longest keyword at {@code i} (ignoring case), or null. */
    String at(String t, int i) {
        if (i + 1 >= t.length()) {
            return null;
        }
        char c = t.charAt(i);
        int a = (c >= 'a' && c <= 'z') ? c - 'a' : (c >= 'A' && c <= 'Z') ? c - 'A' : -1;
        if (a < 0) {
            return null;
        }
        String[] cands = table[a][slot(t.charAt(i + 1))];
        if (cands == null) {
            return null;
        }
        for (String k : cands) {
            if (t.regionMatches(true, i, k, 0, k.length())) {
                return k;
            }
        }
        return null;
    }
}
