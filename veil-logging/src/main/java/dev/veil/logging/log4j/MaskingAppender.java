package dev.veil.logging.log4j;

import dev.veil.logging.LogMasking;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.AppenderControl;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginConfiguration;
import org.apache.logging.log4j.core.config.plugins.PluginElement;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.spi.MutableThreadContextStack;
import org.apache.logging.log4j.util.ReadOnlyStringMap;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.apache.logging.log4j.util.StringMap;

/**
 * A Log4j2 appender that masks each event with a policy segment's plan and hands the masked copy to the appenders it
 * references, which nothing else should reference:
 *
 * <pre>{@code
 * <VeilMasking name="veil" policy="/etc/veil/policy.yaml" segment="logs">
 *   <AppenderRef ref="File"/>
 * </VeilMasking>
 * }</pre>
 *
 * <p>Masks the formatted message, the template, the parameters, the context map (each key classified as a field
 * path), the context stack (NDC) and the messages of the exception chain. Fails closed: a policy that does not load stops the configuration
 * from creating the appender, and an event whose masking fails is dropped.
 */
@Plugin(name = "VeilMasking", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE, printObject = true)
public final class MaskingAppender extends AbstractAppender {
    private final LogMasking masking;
    private final boolean enabled;
    private final Configuration config;
    private final AppenderRef[] refs;
    private final List<AppenderControl> targets = new ArrayList<>();
    private volatile boolean reportedKill;

    private MaskingAppender(String name, Filter filter, LogMasking masking, boolean enabled, Configuration config,
                            AppenderRef[] refs) {
        super(name, filter, null, true, Property.EMPTY_ARRAY);
        this.masking = masking;
        this.enabled = enabled;
        this.config = config;
        this.refs = refs;
    }

    /** Builds the appender from its configuration element; returns null (no appender) when the policy does not load. */
    @PluginFactory
    public static MaskingAppender create(@PluginAttribute("name") String name,
                                         @PluginAttribute("policy") String policy,
                                         @PluginAttribute("segment") String segment,
                                         @PluginAttribute(value = "enabled", defaultBoolean = true) boolean enabled,
                                         @PluginElement("AppenderRef") AppenderRef[] refs,
                                         @PluginConfiguration Configuration config,
                                         @PluginElement("Filter") Filter filter) {
        if (name == null || policy == null || segment == null) {
            LOGGER.error("VeilMasking needs name, policy (a policy file) and segment attributes; without them nothing"
                    + " is written, so that no log event leaves unmasked");
            return null;
        }
        if (refs == null || refs.length == 0) {
            LOGGER.error("VeilMasking {}: add an AppenderRef for the appender that writes the masked events", name);
            return null;
        }
        LogMasking m;
        try {
            m = LogMasking.load(Path.of(policy), segment);
        } catch (Exception e) {
            LOGGER.error("VeilMasking {}: cannot load policy {} for segment {}: {}; nothing is written until it loads",
                    name, policy, segment, e.getMessage());
            return null;
        }
        if (!enabled) {
            LOGGER.warn("VeilMasking {}: masking is disabled (enabled=false); events pass through unmasked", name);
        }
        return new MaskingAppender(name, filter, m, enabled, config, refs);
    }

    /** The masking in use, for health checks and counts. */
    public LogMasking masking() {
        return masking;
    }

    @Override
    public void start() {
        for (AppenderRef r : refs) {
            Appender a = config.getAppender(r.getRef());
            if (a == null) {
                LOGGER.error("VeilMasking {}: no appender named {} to write to", getName(), r.getRef());
                continue;
            }
            targets.add(new AppenderControl(a, r.getLevel(), r.getFilter()));
        }
        super.start();
    }

    @Override
    public void append(LogEvent event) {
        LogEvent out = event;
        if (enabled && LogMasking.killed()) {
            if (!reportedKill) {
                reportedKill = true;
                LOGGER.warn("VeilMasking {}: the Veil kill switch is on; events pass through unmasked", getName());
            }
        } else if (enabled) {
            if (reportedKill) {
                reportedKill = false; // written only on a change: every logging thread passes here
            }
            try {
                out = mask(event);
            } catch (LogMasking.Dropped d) {
                masking.counted(false, true);
                return;
            } catch (RuntimeException e) {
                masking.counted(false, true);
                LOGGER.error("VeilMasking {}: an event could not be masked and was dropped ({})", getName(),
                        e.getClass().getName());
                return;
            }
        }
        for (AppenderControl c : targets) {
            c.callAppender(out);
        }
    }

    private LogEvent mask(LogEvent e) throws LogMasking.Dropped {
        Message msg = e.getMessage();
        String formatted = msg == null ? null : msg.getFormattedMessage();
        String maskedText = masking.text(formatted);
        boolean changed = !Objects.equals(maskedText, formatted);
        String format = msg == null ? null : msg.getFormat();
        String maskedFormat = Objects.equals(format, formatted) ? maskedText : masking.text(format);
        Object[] params = msg == null ? null : msg.getParameters();
        Object[] maskedParams = null;
        if (params != null) {
            maskedParams = new Object[params.length];
            for (int i = 0; i < params.length; i++) {
                maskedParams[i] = masking.argument(params[i]);
                changed |= maskedParams[i] != params[i];
            }
        }
        StringMap context = new SortedArrayStringMap();
        ReadOnlyStringMap source = e.getContextData();
        if (source != null && !source.isEmpty()) {
            boolean[] c = {false};
            LogMasking.Dropped[] dropped = {null};
            source.forEach((k, v) -> {
                if (dropped[0] != null) {
                    return;
                }
                String raw = v == null ? null : String.valueOf(v);
                try {
                    String m = masking.field(k, raw);
                    if (m != null || raw == null) {
                        context.putValue(k, m);
                    }
                    c[0] |= !Objects.equals(m, raw);
                } catch (LogMasking.Dropped d) {
                    dropped[0] = d;
                }
            });
            if (dropped[0] != null) {
                throw dropped[0];
            }
            changed |= c[0];
        }
        ThreadContext.ContextStack stack = e.getContextStack();
        ThreadContext.ContextStack maskedStack = stack;
        if (stack != null && stack.getDepth() > 0) {
            List<String> items = new ArrayList<>(stack.getDepth());
            for (String item : stack.asList()) {
                String m = masking.text(item);
                changed |= !Objects.equals(m, item);
                items.add(m);
            }
            maskedStack = new MutableThreadContextStack(items).getImmutableStackOrNull();
        }
        Throwable thrown = MaskedThrowable.of(e.getThrown(), masking);
        masking.counted(changed || thrown != null, false);
        Log4jLogEvent.Builder b = new Log4jLogEvent.Builder(e)
                .setMessage(new MaskedMessage(maskedText, maskedFormat, maskedParams))
                .setContextData(context)
                .setContextStack(maskedStack == null ? ThreadContext.EMPTY_STACK : maskedStack)
                .setThrown(thrown)
                .setThrownProxy(null);
        return b.build();
    }

    @Override
    public boolean requiresLocation() {
        for (AppenderControl c : targets) {
            if (c.getAppender() instanceof AbstractAppender a && a.requiresLocation()) {
                return true;
            }
        }
        return false;
    }
}
