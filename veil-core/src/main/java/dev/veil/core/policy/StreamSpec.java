package dev.veil.core.policy;

import java.util.List;

/**
 * An input topic, its format, the segments it feeds and the output topic template, with what the format needs to
 * read a record: the protobuf {@code message} type, the CSV {@code columns} and {@code delimiter}, the text
 * {@code layout} ({@code plain} or {@code logfmt}).
 */
public record StreamSpec(String input, String format, List<String> segments, String output, Location location,
                         String message, List<String> columns, char delimiter, String layout) {
    public StreamSpec(String input, String format, List<String> segments, String output, Location location) {
        this(input, format, segments, output, location, null, null, ',', "plain");
    }

    /** The output topic name of a segment. */
    public String outputFor(String segment) {
        return output.replace("{input}", input).replace("{segment}", segment);
    }
}
