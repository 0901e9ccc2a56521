package dev.veil.logging.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import dev.veil.logging.LogMasking;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A Logback appender that masks each event with a policy segment's plan and hands the masked event to the appenders
 * it references; those appenders should be referenced by nothing else, so no raw event reaches them.
 *
 * <pre>{@code
 * <appender name="VEIL" class="dev.veil.logging.logback.MaskingAppender">
 *   <policy>/etc/veil/policy.yaml</policy>
 *   <segment>logs</segment>
 *   <appender-ref ref="FILE"/>
 * </appender>
 * }</pre>
 *
 * <p>Fails closed: when the policy cannot be loaded the appender does not start, and Logback drops the events sent to
 * it rather than any appender writing them raw. An event whose masking fails is dropped and reported by count only.
 */
public final class MaskingAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {
    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private String policy;
    private String segment;
    private boolean enabled = true;
    private volatile LogMasking masking;
    private volatile boolean reportedKill;

    /** The policy file (YAML). */
    public void setPolicy(String policy) {
        this.policy = policy;
    }

    /** The policy segment whose view the logs get. */
    public void setSegment(String segment) {
        this.segment = segment;
    }

    /** {@code false} passes events through unmasked: this appender's own kill switch. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** The masking in use, for health checks and counts; null before start. */
    public LogMasking masking() {
        return masking;
    }

    @Override
    public void start() {
        if (policy == null || policy.isBlank() || segment == null || segment.isBlank()) {
            addError("appender " + getName() + ": set <policy> (a policy file) and <segment>; without them nothing is"
                    + " written, so that no log event leaves unmasked");
            return;
        }
        try {
            masking = LogMasking.load(Path.of(policy), segment);
        } catch (Exception e) {
            addError("appender " + getName() + ": cannot load policy " + policy + " for segment " + segment + ": "
                    + e.getMessage() + "; nothing is written until it loads");
            return;
        }
        if (!enabled) {
            addWarn("appender " + getName() + ": masking is disabled (enabled=false); events pass through unmasked");
        }
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        appenders.detachAndStopAllAppenders();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!enabled) {
            appenders.appendLoopOnAppenders(event);
            return;
        }
        if (LogMasking.killed()) {
            if (!reportedKill) {
                reportedKill = true;
                addWarn("appender " + getName() + ": the Veil kill switch is on; events pass through unmasked");
            }
            appenders.appendLoopOnAppenders(event);
            return;
        }
        if (reportedKill) {
            reportedKill = false; // written only on a change: every logging thread passes here
        }
        ILoggingEvent masked;
        try {
            masked = MaskedEvent.of(event, masking);
        } catch (RuntimeException e) {
            // a defect in masking must not put the raw event through: drop it, report the type only
            masking.counted(false, true);
            addError("appender " + getName() + ": an event could not be masked and was dropped ("
                    + e.getClass().getName() + ")");
            return;
        }
        if (masked != null) {
            appenders.appendLoopOnAppenders(masked);
        }
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> a) {
        appenders.addAppender(a);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> a) {
        return appenders.isAttached(a);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> a) {
        return appenders.detachAppender(a);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
