package dev.veil.core.codec;

import dev.veil.core.action.Action;
import dev.veil.core.classify.FieldPaths;
import dev.veil.core.engine.Plan;
import dev.veil.core.policy.DataClass;
import java.util.List;

/**
 * What each segment does with the value of one named field (a CSV column, a logfmt key, a Connect struct field, an MDC
 * key), decided once by the same precedence as every codec: path rule, enclosing rule, field-name heuristics; an
 * unruled value is scanned by the content detectors. Immutable; {@link ValueMasking#value} applies it to a value.
 */
public final class FieldPlan {
    /** What a segment does with the field's value. */
    public enum Kind { COPY, REPLACE, NULL, DROP, DROP_RECORD, SCAN }

    final String path;
    /** Null when nothing classifies the field (NONE included). */
    final DataClass cls;
    final Kind[] kind;
    final Action[] action;
    final boolean passthrough;
    /** Segments the field disappears from. */
    final long dropped;
    /** Whether the field-name heuristics, not a rule, gave the class: an undeclared sensitive field. */
    final boolean byName;

    private FieldPlan(String path, DataClass cls, Kind[] kind, Action[] action, boolean byName) {
        this.path = path;
        this.byName = byName;
        this.cls = cls;
        this.kind = kind;
        this.action = action;
        boolean copy = true;
        long d = 0;
        for (int s = 0; s < kind.length; s++) {
            copy &= kind[s] == Kind.COPY;
            if (kind[s] == Kind.DROP) {
                d |= 1L << s;
            }
        }
        this.passthrough = copy;
        this.dropped = d;
    }

    /** @param names the field's path steps ({@code customer.email} is two) */
    public static FieldPlan of(Plan plan, List<String> names) {
        boolean detect = plan.scanStrings() != dev.veil.core.policy.ScanSpec.Strings.NONE;
        boolean scanAll = plan.scanStrings() == dev.veil.core.policy.ScanSpec.Strings.ALL;
        FieldPaths.Classification c = FieldPaths.classify(plan.paths(), plan.heuristics(), names);
        DataClass cls = c.dataClass();
        boolean unruled = c.source() == FieldPaths.Source.NONE;
        if (cls == DataClass.NONE) {
            cls = null;
        }
        int segs = plan.segments().size();
        Kind[] kind = new Kind[segs];
        Action[] action = new Action[segs];
        for (int s = 0; s < segs; s++) {
            if (cls == null) {
                kind[s] = detect && unruled ? Kind.SCAN : Kind.COPY;
                continue;
            }
            Action a = plan.action(s, cls);
            action[s] = a;
            kind[s] = switch (a.kind()) {
                case KEEP -> detect && scanAll ? Kind.SCAN : Kind.COPY;
                case REPLACE -> Kind.REPLACE;
                case NULLIFY -> Kind.NULL;
                case DROP -> Kind.DROP;
                case DROP_RECORD -> Kind.DROP_RECORD;
            };
        }
        return new FieldPlan(String.join(".", names), cls, kind, action,
                cls != null && c.source() == FieldPaths.Source.NAME);
    }

    /** A field of free text (a plain line, a bare logfmt word): scanned when the plan scans, else copied. */
    public static FieldPlan text(Plan plan) {
        boolean detect = plan.scanStrings() != dev.veil.core.policy.ScanSpec.Strings.NONE;
        Kind[] kind = new Kind[plan.segments().size()];
        java.util.Arrays.fill(kind, detect ? Kind.SCAN : Kind.COPY);
        return new FieldPlan("", null, kind, new Action[kind.length], false);
    }

    /** The field's path, dot-joined; empty for free text. */
    public String path() {
        return path;
    }

    /** What segment {@code s} does with the field's value. */
    public Kind kind(int s) {
        return kind[s];
    }

    /** The class a rule or the field's name gives it, or null. */
    public DataClass dataClass() {
        return cls;
    }

    /** Whether every segment copies the value unchanged and unscanned. */
    public boolean passthrough() {
        return passthrough;
    }
}
