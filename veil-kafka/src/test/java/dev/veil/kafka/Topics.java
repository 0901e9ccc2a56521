package dev.veil.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Producing to and reading from a real broker in tests. */
final class Topics {
    private Topics() {
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static void produce(String bootstrap, List<DemoEvents.Event> events) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            for (DemoEvents.Event e : events) {
                p.send(new ProducerRecord<>(e.topic(), e.key() == null ? null : e.key().getBytes(StandardCharsets.UTF_8),
                        e.json().getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }
    }

    /** Reads {@code topic} from the beginning (read_committed) until {@code done} holds or the timeout passes. */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, Duration timeout,
                                                     Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Reads until at least {@code n} records arrived, then keeps reading briefly to catch any extra. */
    static List<ConsumerRecord<byte[], byte[]>> readAtLeast(String bootstrap, String topic, int n, Duration timeout) {
        long[] reachedAt = {0};
        return read(bootstrap, topic, timeout, l -> {
            if (l.size() >= n && reachedAt[0] == 0) {
                reachedAt[0] = System.nanoTime();
            }
            return reachedAt[0] != 0 && System.nanoTime() - reachedAt[0] > TimeUnit.SECONDS.toNanos(2);
        });
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
