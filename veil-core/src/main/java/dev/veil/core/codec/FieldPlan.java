package dev.veil.core.codec;

import dev.veil.core.action.Action;
import dev.veil.core.classify.FieldPaths;
import dev.veil.core.engine.Plan;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.ScanSpec;
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
    /** What decided the class: "rule", "name", "annotation" (a schema's field option), or null when nothing did. */
    final String source;
    final Kind[] kind;
    final Action[] action;
    final boolean passthrough;
    /** Segments the field disappears from. */
    final long dropped;
    /** Whether the field-name heuristics, not a rule, gave the class: an undeclared sensitive field. */
    final boolean byName;

    private FieldPlan(String path, DataClass cls, String source, Kind[] kind, Action[] action) {
        this.path = path;
        this.cls = cls;
        this.source = source;
        this.byName = cls != null && "name".equals(source);
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
        return of(plan, names, null, true);
    }

    /**
     * The plan of a field of a schema-driven format (Avro, protobuf, Connect).
     *
     * @param annotated  the class the schema itself gives the field (an Avro {@code veil.class} property, a protobuf
     *                   {@code (veil.pii)} option), which wins over rules and names; null when it gives none
     * @param scannable  whether the value is text the detectors may scan: a number or bytes never is
     */
    public static FieldPlan of(Plan plan, List<String> names, DataClass annotated, boolean scannable) {
        DataClass cls;
        String source;
        if (annotated != null) {
            cls = annotated;
            source = "annotation";
        } else {
            FieldPaths.Classification c = FieldPaths.classify(plan.paths(), plan.heuristics(), names);
            cls = c.dataClass();
            source = switch (c.source()) {
                case RULE -> "rule";
                case NAME -> "name";
                case NONE -> null;
            };
        }
        if (cls == DataClass.NONE) {
            cls = null;
            source = source == null ? "rule" : source;
        } else if (cls == null) {
            source = null;
        }
        return classified(plan, String.join(".", names), cls, source, scannable);
    }

    /** A value nothing classifies (free text, a map key): scanned when the plan scans and the value is text. */
    public static FieldPlan unclassified(Plan plan, String path, boolean scannable) {
        return classified(plan, path, null, null, scannable);
    }

    /** A field of free text (a plain line, a bare logfmt word): scanned when the plan scans, else copied. */
    public static FieldPlan text(Plan plan) {
        return unclassified(plan, "", true);
    }

    private static FieldPlan classified(Plan plan, String path, DataClass cls, String source, boolean scannable) {
        boolean detect = scannable && plan.scanStrings() != ScanSpec.Strings.NONE;
        boolean scanAll = plan.scanStrings() == ScanSpec.Strings.ALL;
        // neither a rule (NONE included), an annotation nor a name decided it: only then does content decide
        boolean unruled = source == null;
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
        return new FieldPlan(path, cls, source, kind, action);
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

    /** What decided the class: "rule", "name", "annotation", or null when nothing did. */
    public String source() {
        return source;
    }

    /** The action segment {@code s} applies; null where the field has no class. */
    public Action action(int s) {
        return action[s];
    }

    /** Segments (bit {@code s} for segment {@code s}) the field disappears from. */
    public long dropped() {
        return dropped;
    }

    /** Whether every segment copies the value unchanged and unscanned. */
    public boolean passthrough() {
        return passthrough;
    }
}
