package dev.veil.core.action;

import dev.veil.core.policy.ActionSpec;

/**
 * Hides characters and keeps some. With {@code keep_separators} only letters and digits are hidden, so a card
 * keeps its spaces and an SSN its dashes. At least half of the hideable characters are always hidden: on a
 * short value {@code keep_last}, then {@code keep_first}, shrink rather than reveal the whole value.
 */
final class Mask implements Action {
    private final int keepFirst;
    private final int keepLast;
    private final int maskChar;
    private final boolean keepSeparators;
    private final boolean keepDomain;

    Mask(ActionSpec.Mask spec) {
        this.keepFirst = spec.keepFirst();
        this.keepLast = spec.keepLast();
        this.maskChar = spec.maskChar();
        this.keepSeparators = spec.keepSeparators();
        this.keepDomain = spec.keepDomain();
    }

    @Override
    public Kind kind() {
        return Kind.REPLACE;
    }

    @Override
    public String name() {
        return "mask";
    }

    @Override
    public void replace(String text, boolean number, ValueOut out) {
        out.string(mask(text));
    }

    String mask(String text) {
        if (keepDomain) {
            int at = text.lastIndexOf('@');
            if (at > 0) {
                StringBuilder sb = new StringBuilder(text.length());
                maskInto(text, 0, at, sb);
                sb.append(text, at, text.length());
                return sb.toString();
            }
        }
        StringBuilder sb = new StringBuilder(text.length());
        maskInto(text, 0, text.length(), sb);
        return sb.toString();
    }

    private boolean hideable(int cp) {
        return !keepSeparators || Character.isLetterOrDigit(cp);
    }

    private boolean anyLetterOrDigit(String s, int from, int to) {
        for (int i = from; i < to; ) {
            int cp = s.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    private void maskInto(String s, int from, int to, StringBuilder sb) {
        if (keepSeparators && !anyLetterOrDigit(s, from, to)) {
            // a value of separators only ("!@#$%^&*") would be kept whole: hide every character instead
            for (int i = from; i < to; ) {
                int cp = s.codePointAt(i);
                sb.appendCodePoint(maskChar);
                i += Character.charCount(cp);
            }
            return;
        }
        int total = 0;
        for (int i = from; i < to; ) {
            int cp = s.codePointAt(i);
            if (hideable(cp)) {
                total++;
            }
            i += Character.charCount(cp);
        }
        int reveal = total / 2;
        int last = Math.min(keepLast, reveal);
        int first = Math.min(keepFirst, reveal - last);
        int idx = 0;
        for (int i = from; i < to; ) {
            int cp = s.codePointAt(i);
            if (hideable(cp)) {
                if (idx < first || idx >= total - last) {
                    sb.appendCodePoint(cp);
                } else {
                    sb.appendCodePoint(maskChar);
                }
                idx++;
            } else {
                sb.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
    }
}
