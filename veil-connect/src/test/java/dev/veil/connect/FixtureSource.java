package dev.veil.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * A source connector for the worker test: emits the customers of {@link MaskTest#customer()} once, as Structs, to
 * the topic named by {@code topic}. The worker, converters, transformation chain and broker around it are real.
 */
public class FixtureSource extends SourceConnector {
    static final int RECORDS = 20;
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FixtureTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef().define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "target topic");
    }

    @Override
    public String version() {
        return "test";
    }

    /** The task: all records on the first poll, then nothing. */
    public static class FixtureTask extends SourceTask {
        private String topic;
        private boolean done;

        @Override
        public String version() {
            return "test";
        }

        @Override
        public void start(Map<String, String> props) {
            topic = props.get("topic");
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            if (done) {
                Thread.sleep(100);
                return null;
            }
            done = true;
            List<SourceRecord> out = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                Struct c = MaskTest.customer().put("id", (long) i);
                out.add(new SourceRecord(Map.of("fixture", "1"), Map.of("i", i), topic, null, Schema.INT64_SCHEMA,
                        (long) i, c.schema(), c));
            }
            return out;
        }

        @Override
        public void stop() {
        }
    }
}
