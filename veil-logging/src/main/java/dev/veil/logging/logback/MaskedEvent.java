package dev.veil.logging.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import dev.veil.logging.LogMasking;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * A logging event as one segment sees it. Every part that carries application data is masked once, when the event
 * is made: the message template, the arguments, the formatted message, MDC values, key-value pairs and the messages
 * of the exception and its causes. Logger, thread, level, markers, time and caller frames are the source's.
 */
final class MaskedEvent implements ILoggingEvent {
    private final ILoggingEvent source;
    private final String message;
    private final Object[] arguments;
    private final String formatted;
    private final Map<String, String> mdc;
    private final List<KeyValuePair> pairs;
    private final IThrowableProxy thrown;
    private final boolean changed;

    private MaskedEvent(ILoggingEvent source, LogMasking masking) throws LogMasking.Dropped {
        this.source = source;
        boolean c = false;
        this.message = masking.text(source.getMessage());
        c |= !Objects.equals(message, source.getMessage());
        Object[] args = source.getArgumentArray();
        if (args == null) {
            this.arguments = null;
        } else {
            this.arguments = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                arguments[i] = masking.argument(args[i]);
                c |= arguments[i] != args[i];
            }
        }
        String f = source.getFormattedMessage();
        this.formatted = f == message || f == source.getMessage() ? message : masking.text(f);
        c |= !Objects.equals(formatted, f);
        Map<String, String> m = source.getMDCPropertyMap();
        if (m == null || m.isEmpty()) {
            this.mdc = m == null ? Collections.emptyMap() : m;
        } else {
            Map<String, String> out = new LinkedHashMap<>(m.size() * 2);
            for (Map.Entry<String, String> e : m.entrySet()) {
                String v = masking.field(e.getKey(), e.getValue());
                if (v != null || e.getValue() == null) {
                    out.put(e.getKey(), v);
                }
                c |= !Objects.equals(v, e.getValue());
            }
            this.mdc = Collections.unmodifiableMap(out);
        }
        List<KeyValuePair> kv = source.getKeyValuePairs();
        if (kv == null || kv.isEmpty()) {
            this.pairs = kv;
        } else {
            List<KeyValuePair> out = new ArrayList<>(kv.size());
            for (KeyValuePair p : kv) {
                Object v = masking.field(p.key, p.value);
                c |= v != p.value;
                if (v != null || p.value == null) {
                    out.add(v == p.value ? p : new KeyValuePair(p.key, v));
                }
            }
            this.pairs = Collections.unmodifiableList(out);
        }
        this.thrown = MaskedThrowableProxy.of(source.getThrowableProxy(), masking, 0);
        this.changed = c || thrown != null;
    }

    /** The event as the segment sees it, or null when the segment drops it. */
    static ILoggingEvent of(ILoggingEvent e, LogMasking masking) {
        try {
            MaskedEvent m = new MaskedEvent(e, masking);
            masking.counted(m.changed, false);
            return m;
        } catch (LogMasking.Dropped d) {
            masking.counted(false, true);
            return null;
        }
    }

    @Override
    public String getThreadName() {
        return source.getThreadName();
    }

    @Override
    public Level getLevel() {
        return source.getLevel();
    }

    @Override
    public String getMessage() {
        return message;
    }

    @Override
    public Object[] getArgumentArray() {
        return arguments == null ? null : arguments.clone();
    }

    @Override
    public String getFormattedMessage() {
        return formatted;
    }

    @Override
    public String getLoggerName() {
        return source.getLoggerName();
    }

    @Override
    public LoggerContextVO getLoggerContextVO() {
        return source.getLoggerContextVO();
    }

    @Override
    public IThrowableProxy getThrowableProxy() {
        return thrown;
    }

    @Override
    public StackTraceElement[] getCallerData() {
        return source.getCallerData();
    }

    @Override
    public boolean hasCallerData() {
        return source.hasCallerData();
    }

    @Override
    public List<Marker> getMarkerList() {
        return source.getMarkerList();
    }

    @Override
    public Map<String, String> getMDCPropertyMap() {
        return mdc;
    }

    @Override
    @Deprecated
    public Map<String, String> getMdc() {
        return mdc;
    }

    @Override
    public long getTimeStamp() {
        return source.getTimeStamp();
    }

    @Override
    public int getNanoseconds() {
        return source.getNanoseconds();
    }

    @Override
    public Instant getInstant() {
        return source.getInstant();
    }

    @Override
    public long getSequenceNumber() {
        return source.getSequenceNumber();
    }

    @Override
    public List<KeyValuePair> getKeyValuePairs() {
        return pairs;
    }

    @Override
    public void prepareForDeferredProcessing() {
        // every masked part is computed already; the source keeps its own caller data and thread name
        source.prepareForDeferredProcessing();
    }

    @Override
    public String toString() {
        return "[" + getLevel() + "] " + formatted;
    }
}
