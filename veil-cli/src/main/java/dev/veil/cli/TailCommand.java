package dev.veil.cli;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code veil tail}: prints a topic's records, so a segment's view can be read without installing Kafka's tools.
 * Reads committed records only, as a consumer of the views should; joins no consumer group.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Print the records of a topic, one value per line, and follow new ones.",
            "Reads committed records only (read_committed) and commits no offsets.",
            "Exit 0 when done, 2 usage, 5 Kafka unreachable or no such topic."})
final class TailCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "TOPIC", description = "The topic, e.g. orders.analytics.")
    String topic;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--last", paramLabel = "N", defaultValue = "5",
            description = "Start N records before the end of each partition (default: ${DEFAULT-VALUE}).")
    long last;

    @Option(names = "--from-beginning", description = "Start at the beginning of each partition.")
    boolean fromBeginning;

    @Option(names = {"-n", "--max"}, paramLabel = "N", description = "Stop after N records.")
    Long max;

    @Option(names = "--for", paramLabel = "SECONDS", description = "Stop after this many seconds (default: follow"
            + " until Ctrl-C, or until --max).")
    Long seconds;

    @Option(names = "--headers", description = "Prefix each value with its key and headers.")
    boolean headers;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (last < 0 || (max != null && max < 1)) {
            err.println("veil: --last must be 0 or more and --max at least 1");
            return ExitCodes.USAGE;
        }
        String bootstrap = kafka.bootstrapOrLocal();
        Properties p = new Properties();
        try {
            p.putAll(kafka.client());
        } catch (KafkaOptions.UsageException e) {
            err.println("veil: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "veil-tail");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        AtomicBoolean stopped = new AtomicBoolean();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                stopped.set(true);
                c.wakeup();
                try {
                    main.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return tail(c, bootstrap, out, err, stopped);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook waits for us
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            err.println("veil: Kafka at " + bootstrap + " did not answer; is it running? (veil up starts one;"
                    + " --bootstrap points elsewhere)");
            return ExitCodes.SERVICE;
        } catch (org.apache.kafka.common.KafkaException e) {
            err.println("veil: cannot read " + topic + " from " + bootstrap + ": " + e.getClass().getSimpleName()
                    + " (check --bootstrap and --kafka-config)");
            return ExitCodes.SERVICE;
        }
    }

    private int tail(KafkaConsumer<byte[], byte[]> c, String bootstrap, PrintWriter out, PrintWriter err,
                     AtomicBoolean stopped) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            err.println("veil: no topic " + topic + " on " + bootstrap + "; the views are named INPUT.SEGMENT,"
                    + " e.g. orders.analytics");
            return ExitCodes.SERVICE;
        }
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo i : infos) {
            parts.add(new TopicPartition(topic, i.partition()));
        }
        c.assign(parts);
        if (fromBeginning) {
            c.seekToBeginning(parts);
        } else {
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            for (TopicPartition tp : parts) {
                c.seek(tp, Math.max(begin.get(tp), end.get(tp) - last));
            }
        }
        long deadline = seconds == null ? Long.MAX_VALUE : System.nanoTime() + seconds * 1_000_000_000L;
        long printed = 0;
        try {
            while (!stopped.get() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (headers) {
                        out.print(describe(r));
                    }
                    out.println(text(r.value()));
                    if (max != null && ++printed >= max) {
                        out.flush();
                        return ExitCodes.OK;
                    }
                }
                out.flush();
            }
        } catch (WakeupException e) {
            // Ctrl-C
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String describe(ConsumerRecord<byte[], byte[]> r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "#%d@%d key=%s", r.partition(), r.offset(),
                r.key() == null ? "-" : text(r.key())));
        for (Header h : r.headers()) {
            sb.append(' ').append(h.key()).append('=').append(text(h.value()));
        }
        return sb.append(" | ").toString();
    }

    /** The bytes as text when they are UTF-8; sealed or binary payloads are described, not printed. */
    static String text(byte[] b) {
        if (b == null) {
            return "(null: tombstone)";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return "(" + b.length + " bytes, not UTF-8)";
        }
    }
}
