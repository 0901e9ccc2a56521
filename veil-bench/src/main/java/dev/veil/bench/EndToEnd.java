package dev.veil.bench;

import dev.veil.kafka.EmbeddedKafka;
import dev.veil.kafka.VeilService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * End-to-end throughput and latency of the masking service on a real broker, with a plain Kafka Streams
 * pass-through (same topology shape: one input, two output topics; same settings; same JVM and broker) measured
 * in the same run as the ceiling. Not JMH: the unit of work is a whole pipeline of threads and a broker, and what
 * matters is records per second through it and the time each record takes to come out.
 *
 * <p>Throughput: N corpus events are produced into a fresh 2-partition input topic first; the clock runs from the
 * moment the pipeline is RUNNING until both output topics hold N committed records (read_committed end offsets).
 * Latency: events are produced at a fixed rate while the pipeline runs; a read_committed consumer of one output
 * topic takes now − record timestamp (the service keeps the input's timestamp) for every record after a warm-up.
 *
 * <p>Usage: {@code java -cp ... dev.veil.bench.EndToEnd [N] [ROUNDS] [RATE] [SECONDS]}; see docs/performance.md.
 */
public final class EndToEnd {
    private static final String ROOT = System.getProperty("veil.root", ".");

    private EndToEnd() {
    }

    /** A pipeline under test: started on an input topic, writing {@code input.analytics} and {@code input.support}. */
    private interface Pipeline {
        String name();

        AutoCloseable start(String bootstrap, String input, Path state) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 12;
        byte[][] corpus = Corpus.load();
        Path work = Files.createTempDirectory("veil-e2e-");
        Path paths = writePolicy(work, "paths", pathPolicy());
        Path retail = writePolicy(work, "retail", Files.readString(Path.of(ROOT, "examples", "retail.yaml")));
        List<Pipeline> pipelines = List.of(passThrough(), veil("veil-path-rules", paths), veil("veil-retail-scan", retail));
        System.out.printf(Locale.ROOT, "corpus: %d distinct events, %d per run; %d rounds; %d cores; Java %s%n",
                corpus.length, n, rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"), 0)) {
            String bs = kafka.bootstrapServers();
            int run = 0;
            for (int r = 0; r <= rounds; r++) {
                for (Pipeline p : pipelines) {
                    String input = "in-" + (run++) + "-" + p.name();
                    int events = r == 0 ? Math.min(n, 100_000) : n; // round 0 warms the JIT up
                    double produceRate = produce(bs, input, corpus, events);
                    double eps = throughput(bs, p, input, events, work.resolve("state-" + run));
                    System.out.printf(Locale.ROOT, "%s %-18s %,9.0f events/s end-to-end (input produced at %,.0f/s)%n",
                            r == 0 ? "warm-up" : "round " + r, p.name(), eps, produceRate);
                }
            }
            for (Pipeline p : pipelines.subList(0, 2)) {
                String input = "lat-" + (run++) + "-" + p.name();
                createTopics(bs, input);
                long[] lat = latency(bs, p, input, corpus, rate, seconds, work.resolve("state-" + run));
                System.out.printf(Locale.ROOT, "latency %-18s at %,d events/s: p50 %d ms, p99 %d ms, max %d ms (%,d records)%n",
                        p.name(), rate, lat[0], lat[1], lat[2], lat[3]);
            }
        }
    }

    private static Path writePolicy(Path work, String name, String text) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Path keys = Files.createDirectories(dir.resolve("keys"));
        for (String k : List.of("demo.keyset.json", "demo-quarantine.keyset.json")) {
            Files.copy(Path.of(ROOT, "examples", "keys", k), keys.resolve(k));
        }
        // The harness names the input topic per run: the streams section is rewritten at each start.
        int at = text.indexOf("\nstreams:");
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, at < 0 ? text : text.substring(0, at + 1));
        return file;
    }

    /** The seven path rules of the path-rule benchmark, two segments with different actions, no scanning. */
    private static String pathPolicy() {
        return """
                veil: 1
                name: e2e-paths
                keys:
                  default: {keyset: keys/demo.keyset.json}
                  quarantine: {keyset: keys/demo-quarantine.keyset.json}
                fields:
                  customer.email: EMAIL
                  customer.name: PERSON_NAME
                  customer.phone: PHONE
                  customer.address: STREET_ADDRESS
                  customer.ssn: US_SSN
                  payment.card: CREDIT_CARD
                  client_ip: IP_ADDRESS
                scan:
                  strings: none
                  field_names: false
                segments:
                  analytics:
                    actions:
                      EMAIL: hash
                      IP_ADDRESS: {generalize: {bits: 24}}
                      default: redact
                  support:
                    actions:
                      EMAIL: {mask: {keep_first: 1, keep_domain: true}}
                      CREDIT_CARD: {mask: {keep_last: 4}}
                      default: redact
                """;
    }

    private static Pipeline veil(String name, Path policyBase) {
        return new Pipeline() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public AutoCloseable start(String bootstrap, String input, Path state) throws Exception {
                Path policy = policyBase.resolveSibling("policy-" + input + ".yaml");
                Files.writeString(policy, Files.readString(policyBase)
                        + "streams:\n  - input: " + input + "\n    segments: [analytics, support]\n");
                VeilService s = VeilService.builder().policy(policy).bootstrapServers(bootstrap)
                        .applicationId("app-" + input).stateDir(state).controlTopic("control-" + input)
                        .quarantineTopic("quarantine-" + input).alertTopic("alerts-" + input).build().start();
                awaitRunning(s::state);
                return s;
            }
        };
    }

    private static Pipeline passThrough() {
        return new Pipeline() {
            @Override
            public String name() {
                return "pass-through";
            }

            @Override
            public AutoCloseable start(String bootstrap, String input, Path state) throws Exception {
                createTopics(bootstrap, input + ".analytics", input + ".support");
                Topology t = new Topology();
                t.addSource("in", input);
                t.addSink("analytics", input + ".analytics", "in");
                t.addSink("support", input + ".support", "in");
                Properties p = new Properties();
                p.put(StreamsConfig.APPLICATION_ID_CONFIG, "app-" + input);
                p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
                p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
                p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
                p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
                p.putAll(VeilService.tunedStreamsSettings());
                KafkaStreams ks = new KafkaStreams(t, p);
                ks.start();
                awaitRunning(ks::state);
                return () -> ks.close(Duration.ofSeconds(30));
            }
        };
    }

    private static void awaitRunning(java.util.function.Supplier<KafkaStreams.State> state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (state.get() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pipeline not RUNNING after 60 s: " + state.get());
            }
            Thread.sleep(10);
        }
    }

    private static void createTopics(String bootstrap, String... names) throws Exception {
        try (Admin a = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : names) {
                topics.add(new NewTopic(name, 2, (short) 1));
            }
            a.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Fills the input topic before the clock starts. One request in flight and no idempotence: the input must hold
     * exactly N records, and a failed send must fail the run rather than leave a pipeline waiting for records that
     * never came (an idempotent producer once wedged on an out-of-order sequence under this box's full load).
     */
    private static double produce(String bootstrap, String topic, byte[][] corpus, int n) throws Exception {
        createTopics(bootstrap, topic);
        long t0 = System.nanoTime();
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.RETRIES_CONFIG, "0");
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < n && failed.get() == null; i++) {
                p.send(new ProducerRecord<>(topic, null, corpus[i % corpus.length]), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    }
                });
            }
            p.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("filling " + topic + " failed; run again", failed.get());
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static double throughput(String bootstrap, Pipeline p, String input, int n, Path state) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long t0;
            try (AutoCloseable running = p.start(bootstrap, input, state)) {
                t0 = System.nanoTime();
                List<TopicPartition> outs = new ArrayList<>();
                for (String seg : List.of("analytics", "support")) {
                    for (int part = 0; part < 2; part++) {
                        outs.add(new TopicPartition(input + "." + seg, part));
                    }
                }
                while (committed(admin, outs) < 2L * n) {
                    if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(5)) {
                        throw new IllegalStateException(p.name() + " did not finish within 5 minutes");
                    }
                    Thread.sleep(20);
                }
                return n / ((System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /**
     * The read_committed end offsets of the partitions, summed. Each EOS commit also writes a transaction marker
     * (one offset) into every partition it touched: about ten per partition per second at the 100 ms commit
     * interval, so the run is declared done a few dozen records (well under a millisecond) early.
     */
    private static long committed(Admin admin, List<TopicPartition> parts) throws Exception {
        Map<TopicPartition, OffsetSpec> q = new java.util.HashMap<>();
        for (TopicPartition tp : parts) {
            q.put(tp, OffsetSpec.latest());
        }
        long sum = 0;
        for (var e : admin.listOffsets(q, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(30, TimeUnit.SECONDS).values()) {
            sum += e.offset();
        }
        return sum;
    }

    private static long[] latency(String bootstrap, Pipeline p, String input, byte[][] corpus, int rate, int seconds,
                                  Path state) throws Exception {
        try (AutoCloseable running = p.start(bootstrap, input, state)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread producer = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> pr = producer(bootstrap)) {
                    long start = System.nanoTime();
                    long sent = 0;
                    while (!stop.get()) {
                        long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                        while (sent < due) {
                            // CreateTime = now: the consumer measures from here.
                            pr.send(new ProducerRecord<>(input, null, System.currentTimeMillis(), null,
                                    corpus[(int) (sent % corpus.length)]));
                            sent++;
                        }
                        Thread.sleep(1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            producer.start();
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "lat-" + input);
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            long[] samples = new long[rate * (seconds + 5)];
            int count = 0;
            long warm = System.currentTimeMillis() + 2000;
            long end = System.currentTimeMillis() + seconds * 1000L;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(input + ".analytics"));
                while (System.currentTimeMillis() < end) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.currentTimeMillis();
                        if (r.timestamp() >= warm && count < samples.length) {
                            samples[count++] = now - r.timestamp();
                        }
                    }
                }
            } finally {
                stop.set(true);
                producer.join();
            }
            long[] s = Arrays.copyOf(samples, count);
            Arrays.sort(s);
            if (count == 0) {
                throw new IllegalStateException(p.name() + ": no records came out during the latency run");
            }
            return new long[] {s[count / 2], s[(int) Math.min(count - 1, (long) (count * 0.99))], s[count - 1], count};
        }
    }
}
