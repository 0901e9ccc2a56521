package dev.veil.core.detect;

import java.util.Collection;
import java.util.Locale;

/**
 * An immutable set of lower-case words that answers for a range of the text, ignoring case, without building a
 * lower-case string: the detectors ask dozens of word lists about each word, and lower-casing, hashing and
 * probing {@code Set<String>} was a fifth of their time. Answers equal {@code set.contains(text.substring(from,
 * to).toLowerCase(Locale.ROOT))}; the few characters whose lower case depends on context or spans two chars
 * ({@code İ}, {@code Σ}, surrogate pairs) take that slow way.
 */
final class WordSet {
    private final String[] keys;
    /**
     * Per slot: the key's hash with its lowest bit set, or 0 for an empty slot. A probe reads this array first and
     * follows {@link #keys} only on a hash match: in the large dictionaries (tens of thousands of names) a miss then
     * costs one memory access instead of one per string it passes.
     */
    private final int[] tags;
    private final int mask;
    private final int maxLength;
    /** ASCII first characters of the keys, as a bit set; any key that starts otherwise sets {@link #otherFirst}. */
    private final long firstLow;
    private final long firstHigh;
    private final boolean otherFirst;

    private WordSet(Collection<String> words) {
        int size = Integer.highestOneBit(Math.max(4, words.size() * 2 - 1)) << 1; // load factor at most one half
        keys = new String[size];
        tags = new int[size];
        mask = size - 1;
        int longest = 0;
        long low = 0;
        long high = 0;
        boolean other = false;
        for (String w : words) {
            String k = w.toLowerCase(Locale.ROOT);
            longest = Math.max(longest, k.length());
            char f = k.isEmpty() ? 0 : k.charAt(0);
            if (f >= 0x80 || k.isEmpty()) {
                other = true;
            } else if (f < 64) {
                low |= 1L << f;
            } else {
                high |= 1L << (f - 64);
            }
            int h = hash(k, 0, k.length());
            int slot = h & mask;
            while (keys[slot] != null && !keys[slot].equals(k)) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = k;
            tags[slot] = h | 1;
        }
        maxLength = longest;
        firstLow = low;
        firstHigh = high;
        otherFirst = other;
    }

    /**
     * False when no key can be {@code t[from, to)}: it is longer than every key, or starts with an ASCII character
     * no key starts with (in either case). Costs no hashing; most words of a text are turned away here.
     */
    boolean mayContain(CharSequence t, int from, int to) {
        if (to - from > maxLength) {
            return false;
        }
        if (to == from) {
            return otherFirst;
        }
        char f = fold(t.charAt(from));
        if (f >= 0x80) {
            return otherFirst; // no lower case of a non-ASCII first character (İ folds to i above) is ASCII
        }
        return ((f < 64 ? firstLow >>> f : firstHigh >>> (f - 64)) & 1) != 0;
    }

    static WordSet of(String... words) {
        return new WordSet(java.util.Arrays.asList(words));
    }

    static WordSet of(Collection<String> words) {
        return new WordSet(words);
    }

    /** Whether {@code t[from, to)}, lower-cased, is in the set. */
    boolean contains(CharSequence t, int from, int to) {
        if (!mayContain(t, from, to)) {
            return false;
        }
        long h = hash(t, from, to);
        return h == SPECIAL ? contains(t.subSequence(from, to).toString().toLowerCase(Locale.ROOT))
                : contains(t, from, to, (int) h);
    }

    /** {@link #hash(CharSequence, int, int)}'s answer where lower-casing needs the whole string. */
    static final long SPECIAL = Long.MIN_VALUE;

    /**
     * The hash every {@code WordSet} files {@code t[from, to)} under, lower-cased, or {@link #SPECIAL}: computed once
     * for a word that several sets are asked about.
     */
    static long hash(CharSequence t, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c >= 0x80 && special(c)) {
                return SPECIAL;
            }
            h = 31 * h + fold(c);
        }
        return mix(h);
    }

    /** {@link #contains(CharSequence, int, int)} with the range's {@link #hash} (not {@link #SPECIAL}). */
    boolean contains(CharSequence t, int from, int to, int hash) {
        int len = to - from;
        int tag = hash | 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int s = tags[slot];
            if (s == 0) {
                return false;
            }
            if (s == tag) {
                String k = keys[slot];
                if (k.length() == len && folds(k, t, from)) {
                    return true;
                }
            }
        }
    }

    /** Whether a word already in lower case is in the set. */
    boolean contains(String lower) {
        int hash = hash(lower, 0, lower.length());
        int tag = hash | 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int s = tags[slot];
            if (s == 0) {
                return false;
            }
            if (s == tag && keys[slot].equals(lower)) {
                return true;
            }
        }
    }

    private static boolean folds(String k, CharSequence t, int from) {
        for (int i = 0; i < k.length(); i++) {
            if (k.charAt(i) != fold(t.charAt(from + i))) {
                return false;
            }
        }
        return true;
    }

    private static int hash(String k, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + k.charAt(i); // keys are lower case already
        }
        return mix(h);
    }

    private static int mix(int h) {
        return h ^ (h >>> 16) ^ (h >>> 7);
    }

    private static char fold(char c) {
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        return Character.toLowerCase(c);
    }

    /** Characters whose {@code String.toLowerCase(Locale.ROOT)} is not {@link Character#toLowerCase(char)}. */
    private static boolean special(char c) {
        return c == '\u0130' || c == '\u03a3' || Character.isSurrogate(c);
    }
}
