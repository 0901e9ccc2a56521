package dev.veil.core.detect;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.veil.core.policy.ClassSpec;
import dev.veil.core.policy.DataClass;
import java.util.List;
import java.util.Locale;

/** A policy-defined class: an RE2 pattern (linear time), an optional validator and context words. */
final class PatternDetector implements Detector {
    private static final int CONTEXT_WINDOW = 48;
    private static final double CONTEXT_BOOST = 0.15;

    private final DataClass dataClass;
    private final Pattern pattern;
    private final ClassSpec spec;
    private final String id;

    PatternDetector(DataClass dataClass, ClassSpec spec) {
        this.dataClass = dataClass;
        this.spec = spec;
        this.pattern = Pattern.compile(spec.pattern());
        this.id = "pattern:" + spec.name();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void detect(String text, List<Finding> out) {
        Matcher m = pattern.matcher(text);
        int from = 0;
        while (from <= text.length() && m.find(from)) {
            int s = m.start();
            int e = m.end();
            from = e > s ? e : s + 1;
            if (e == s) {
                continue;
            }
            String v = text.substring(s, e);
            boolean valid = switch (spec.validator()) {
                case NONE -> true;
                case LUHN -> Validators.luhn(v);
                case MOD97 -> Validators.mod97(v);
            };
            if (!valid) {
                continue;
            }
            double score = spec.score();
            if (!spec.context().isEmpty() && hasContext(text, s, e)) {
                score = Math.min(1.0, score + CONTEXT_BOOST);
            }
            out.add(new Finding(dataClass, s, e, score, id));
        }
    }

    private boolean hasContext(String text, int s, int e) {
        int from = Math.max(0, s - CONTEXT_WINDOW);
        int to = Math.min(text.length(), e + CONTEXT_WINDOW);
        String window = text.substring(from, to).toLowerCase(Locale.ROOT);
        for (String w : spec.context()) {
            if (window.contains(w)) {
                return true;
            }
        }
        return false;
    }
}
