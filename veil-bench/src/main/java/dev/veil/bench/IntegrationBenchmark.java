package dev.veil.bench;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.veil.connect.Mask;
import dev.veil.logging.logback.MaskingAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.MaskField;
import org.apache.logging.log4j.core.config.Configurator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-record cost of the in-process integrations, one thread, one operation = one record or one log event.
 *
 * <ul>
 *   <li>Connect: the shared corpus converted once by {@code JsonConverter} (schemaless, as a worker hands records to
 *       its transformations); {@code connectVeilPathRules} and {@code connectVeilRetail} apply
 *       {@code dev.veil.connect.Mask} with the path-rule policy and with {@code examples/retail.yaml} (segment
 *       analytics: rules, name heuristics and content scanning of every string); {@code connectMaskField} applies
 *       Kafka's own {@code MaskField} to the same records in the same run.</li>
 *   <li>Logging: one event through a logger whose appender counts events, from a rotation of eight realistic
 *       lines (half carry PII, with arguments and MDC); {@code logbackPlain} and {@code log4jPlain} without Veil,
 *       {@code logbackVeil} and {@code log4jVeil} through Veil's masking appender. The overhead per event is the
 *       difference.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class IntegrationBenchmark {
    private static final String[] MESSAGES = {
        "order {} paid by {} with card {}",
        "cache refreshed in {} ms for {} keys",
        "password reset requested for {} from {}",
        "request {} served in {} ms",
        "shipment {} sent to {}",
        "health check ok: {} of {} replicas",
        "login failed for {}: account locked",
        "batch {} committed at offset {}",
    };
    private static final Object[][] ARGS = {
        {"A-1009", "maria.garcia@example.com", "4111 1111 1111 1111"},
        {12, 4096},
        {"kenji.watanabe@example.jp", "203.0.113.7"},
        {"req-7f3a9c", 18},
        {"S-2231", "221B Baker Street, London"},
        {3, 3},
        {"+44 20 7946 0958"},
        {"b-88", 1_234_567L},
    };

    private SinkRecord[] records;
    private int next;
    private Mask<SinkRecord> pathRules;
    private Mask<SinkRecord> retail;
    private MaskField.Value<SinkRecord> maskField;

    private LoggerContext logback;
    private ch.qos.logback.classic.Logger logbackPlain;
    private ch.qos.logback.classic.Logger logbackVeil;
    private org.apache.logging.log4j.core.LoggerContext log4j;
    private org.apache.logging.log4j.Logger log4jPlain;
    private org.apache.logging.log4j.Logger log4jVeil;
    private int line;

    /** Counts events and touches what a layout would read, so no work is optimized away. */
    public static final class CountingAppender extends AppenderBase<ILoggingEvent> {
        long chars;

        @Override
        protected void append(ILoggingEvent e) {
            chars += e.getFormattedMessage().length() + e.getMDCPropertyMap().size();
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[][] all = Corpus.load();
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false", "converter.type", "value"), false);
        records = new SinkRecord[all.length];
        for (int i = 0; i < all.length; i++) {
            SchemaAndValue v = converter.toConnectData("events", all[i]);
            records[i] = new SinkRecord("events", 0, null, null, v.schema(), v.value(), i);
        }
        converter.close();
        pathRules = connect("veil-bench/peers/path-rules.yaml", "analytics");
        retail = connect("examples/retail.yaml", "analytics");
        maskField = new MaskField.Value<>();
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("fields", "customer,payment,client_ip");
        maskField.configure(cfg);

        Path policy = Corpus.root().resolve("examples/retail.yaml");
        logback = new LoggerContext();
        logback.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        CountingAppender plain = new CountingAppender();
        plain.setContext(logback);
        plain.start();
        logbackPlain = logback.getLogger("plain");
        logbackPlain.setAdditive(false);
        logbackPlain.addAppender(plain);
        CountingAppender behind = new CountingAppender();
        behind.setContext(logback);
        behind.start();
        MaskingAppender veil = new MaskingAppender();
        veil.setContext(logback);
        veil.setPolicy(policy.toString());
        veil.setSegment("support");
        veil.addAppender(behind);
        veil.start();
        if (!veil.isStarted()) {
            throw new IllegalStateException("the Veil appender did not start: " + logback.getStatusManager()
                    .getCopyOfStatusList());
        }
        logbackVeil = logback.getLogger("veil");
        logbackVeil.setAdditive(false);
        logbackVeil.addAppender(veil);

        Path xml = Files.createTempFile("veil-bench-log4j2", ".xml");
        Files.writeString(xml, """
                <Configuration status="ERROR" packages="dev.veil.logging.log4j">
                  <Appenders>
                    <Null name="plain"/>
                    <Null name="behind"/>
                    <VeilMasking name="veil" policy="%s" segment="support"><AppenderRef ref="behind"/></VeilMasking>
                  </Appenders>
                  <Loggers>
                    <Logger name="plain" level="info" additivity="false"><AppenderRef ref="plain"/></Logger>
                    <Logger name="veil" level="info" additivity="false"><AppenderRef ref="veil"/></Logger>
                    <Root level="off"/>
                  </Loggers>
                </Configuration>
                """.formatted(policy));
        log4j = Configurator.initialize("veil-bench", null, xml.toUri());
        log4jPlain = log4j.getLogger("plain");
        log4jVeil = log4j.getLogger("veil");
        if (log4j.getConfiguration().getAppender("veil") == null) {
            throw new IllegalStateException("the Veil Log4j2 appender did not start");
        }
        Files.delete(xml);
    }

    private static Mask<SinkRecord> connect(String policy, String segment) {
        Mask<SinkRecord> m = new Mask<>();
        m.configure(Map.of(Mask.POLICY, Corpus.root().resolve(policy).toString(), Mask.SEGMENT, segment));
        return m;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pathRules.close();
        retail.close();
        maskField.close();
        logback.stop();
        Configurator.shutdown(log4j);
    }

    private SinkRecord nextRecord() {
        SinkRecord r = records[next];
        next = next + 1 == records.length ? 0 : next + 1;
        return r;
    }

    @Benchmark
    public Object connectVeilPathRules() {
        return pathRules.apply(nextRecord());
    }

    @Benchmark
    public Object connectVeilRetail() {
        return retail.apply(nextRecord());
    }

    @Benchmark
    public Object connectMaskField() {
        return maskField.apply(nextRecord());
    }

    private int nextLine() {
        int i = line;
        line = line + 1 == MESSAGES.length ? 0 : line + 1;
        return i;
    }

    @Benchmark
    public void logbackPlain() {
        int i = nextLine();
        logbackPlain.info(MESSAGES[i], ARGS[i]);
    }

    @Benchmark
    public void logbackVeil() {
        int i = nextLine();
        logbackVeil.info(MESSAGES[i], ARGS[i]);
    }

    @Benchmark
    public void log4jPlain() {
        int i = nextLine();
        log4jPlain.info(MESSAGES[i], ARGS[i]);
    }

    @Benchmark
    public void log4jVeil() {
        int i = nextLine();
        log4jVeil.info(MESSAGES[i], ARGS[i]);
    }
}
