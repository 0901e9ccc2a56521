package dev.veil.logging;

import dev.veil.core.codec.FieldPlan;
import dev.veil.core.codec.ValueMasking;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.PlanException;
import dev.veil.core.policy.PolicyException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The masking every log integration applies, with one segment's compiled plan: free text (messages, arguments,
 * exception messages) is scanned by the content detectors and only the found spans are replaced; a named value (an
 * MDC entry, a key-value pair) is classified by its key as a field path first, so path rules and field-name
 * heuristics apply, exactly as to a logfmt key. Thread-safe: each logging thread masks with its own buffers.
 *
 * <p>The kill switch ({@link #kill}, or {@code -Dveil.logging.kill=true} / {@code VEIL_LOGGING_KILL=true} at start)
 * turns masking off in every appender of the JVM at once, for an incident where masking itself is the problem. It is
 * loud: the appenders report the switch, and {@link #killed()} is there for health checks.
 */
public final class LogMasking {
    /** Thrown (without a stack trace) when the segment drops the whole event: a class its policy says drop_record. */
    public static final class Dropped extends Exception {
        private static final long serialVersionUID = 1L;

        private Dropped() {
            super("log event dropped by the policy", null, false, false);
        }
    }

    private static final Dropped DROPPED = new Dropped();
    private static final int MAX_CACHED_KEYS = 4096;
    private static volatile boolean killed = initialKill();

    private final Plan plan;
    private final FieldPlan free;
    private final int maxChars;
    private final ConcurrentHashMap<String, FieldPlan> keys = new ConcurrentHashMap<>();
    private final ThreadLocal<ValueMasking> values;
    private final LongAdder events = new LongAdder();
    private final LongAdder changed = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    /** @param plan a plan compiled for exactly one segment */
    public LogMasking(Plan plan) {
        if (plan.segments().size() != 1) {
            throw new IllegalArgumentException("a log integration masks for one segment; the plan has "
                    + plan.segments().size());
        }
        this.plan = plan;
        this.free = FieldPlan.text(plan);
        this.maxChars = plan.limits().maxRecordBytes();
        this.values = ThreadLocal.withInitial(() -> new ValueMasking(plan));
    }

    /** Loads {@code policyFile} and compiles it for {@code segment}. */
    public static LogMasking load(Path policyFile, String segment) throws IOException, PolicyException, PlanException {
        return new LogMasking(Plan.load(policyFile, List.of(segment)));
    }

    /** Whether the kill switch has turned masking off in this JVM. */
    public static boolean killed() {
        return killed;
    }

    /** Turns masking off ({@code true}) or back on in every Veil appender of this JVM. */
    public static void kill(boolean off) {
        killed = off;
    }

    private static boolean initialKill() {
        String p = System.getProperty("veil.logging.kill");
        if (p == null) {
            p = System.getenv("VEIL_LOGGING_KILL");
        }
        return p != null && (p.equalsIgnoreCase("true") || p.equals("1") || p.equalsIgnoreCase("yes"));
    }

    /** The segment this masks for. */
    public String segment() {
        return plan.segments().get(0);
    }

    /**
     * Free text with its found spans masked; {@code text} itself when nothing was found.
     *
     * @throws Dropped when the segment drops events that hold what was found
     */
    public String text(String text) throws Dropped {
        if (text == null || text.isEmpty()) {
            return text;
        }
        if (text.length() > maxChars) {
            // the detectors are linear, but an unbounded message would hold the logging thread; fail closed instead
            return "[veil: " + text.length() + " characters withheld, over the record limit]";
        }
        return apply(free, text);
    }

    /**
     * The value of a named entry (MDC key, key-value pair) as the segment sees it: masked, the value itself, "" when
     * the policy nullifies it, or null when the entry leaves the event.
     *
     * @throws Dropped when the segment drops events that hold the entry's class
     */
    public String field(String key, String value) throws Dropped {
        FieldPlan f = keyPlan(key);
        if (value == null) {
            return f.kind(0) == FieldPlan.Kind.DROP ? null : value;
        }
        switch (f.kind(0)) {
            case COPY:
                return value;
            case DROP:
                return null;
            case NULL:
                return "";
            default:
                if (value.length() > maxChars) {
                    return "[veil: " + value.length() + " characters withheld, over the record limit]";
                }
                return apply(f, value);
        }
    }

    /**
     * A named entry's value that may be any object (an SLF4J key-value pair): as {@link #field(String, String)} on its
     * text, with the same rule as {@link #argument}: a number or boolean nothing changes keeps its type.
     *
     * @return the value the entry gets, or null when the entry leaves the event
     */
    public Object field(String key, Object value) throws Dropped {
        if (value == null || value instanceof String) {
            return field(key, (String) value);
        }
        if (keyPlan(key).kind(0) == FieldPlan.Kind.COPY) {
            return value; // the policy copies this key unscanned: the object goes on as it is
        }
        String raw = printable(value);
        String m = field(key, raw);
        return m == raw && (value instanceof Number || value instanceof Boolean) ? value : m;
    }

    private static String printable(Object o) {
        try {
            return String.valueOf(o);
        } catch (RuntimeException e) {
            return "[veil: unprintable " + o.getClass().getName() + "]";
        }
    }

    /**
     * A log argument as the segment sees it: a number or boolean whose text holds nothing is kept as it is, so
     * structured encoders keep its type; anything else becomes its masked text, so no encoder later renders the raw
     * object.
     */
    public Object argument(Object arg) throws Dropped {
        if (arg == null) {
            return null;
        }
        String s = printable(arg);
        String m = text(s);
        if (m == s && (arg instanceof Number || arg instanceof Boolean)) {
            return arg;
        }
        return m;
    }

    private String apply(FieldPlan f, String v) throws Dropped {
        ValueMasking vm = values.get();
        vm.startRecord();
        CharSequence out = vm.value(f, 0, v);
        if (vm.dropRecord()) {
            throw DROPPED;
        }
        return out == null ? v : out.toString();
    }

    private FieldPlan keyPlan(String key) {
        FieldPlan f = keys.get(key);
        if (f == null) {
            f = FieldPlan.of(plan, List.of(key.split("\\.", -1)));
            if (keys.size() < MAX_CACHED_KEYS) {
                keys.put(key, f);
            }
        }
        return f;
    }

    /** Records the outcome of one event, for {@link #counts()}. */
    public void counted(boolean wasChanged, boolean wasDropped) {
        events.increment();
        if (wasDropped) {
            dropped.increment();
        } else if (wasChanged) {
            changed.increment();
        }
    }

    /** Events seen, masked and dropped, in that order. */
    public long[] counts() {
        return new long[] {events.sum(), changed.sum(), dropped.sum()};
    }
}
