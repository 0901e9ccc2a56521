package dev.veil.logging.log4j;

import org.apache.logging.log4j.message.Message;

/** A log message as the segment sees it: masked formatted text, template and parameters. */
final class MaskedMessage implements Message {
    private static final long serialVersionUID = 1L;

    private final String formatted;
    private final String format;
    private final Object[] parameters;

    MaskedMessage(String formatted, String format, Object[] parameters) {
        this.formatted = formatted;
        this.format = format;
        this.parameters = parameters;
    }

    @Override
    public String getFormattedMessage() {
        return formatted;
    }

    @Override
    public String getFormat() {
        return format;
    }

    @Override
    public Object[] getParameters() {
        return parameters == null ? null : parameters.clone();
    }

    @Override
    public Throwable getThrowable() {
        return null; // the event carries the (masked) exception
    }
}
