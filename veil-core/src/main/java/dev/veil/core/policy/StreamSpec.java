package dev.veil.core.policy;

import java.util.List;

/** An input topic, its format, the segments it feeds and the output topic template. */
public record StreamSpec(String input, String format, List<String> segments, String output, Location location) {
    /** The output topic name of a segment. */
    public String outputFor(String segment) {
        return output.replace("{input}", input).replace("{segment}", segment);
    }
}
