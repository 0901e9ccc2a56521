package dev.veil.cli;

import dev.veil.core.policy.Policy;
import dev.veil.core.policy.StreamSpec;
import dev.veil.kafka.DemoEvents;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code veil up}: dev mode — embedded Kafka, demo traffic and the masking service in one command. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Dev mode in one command: an embedded Kafka broker, a demo producer writing realistic",
            "events into orders, tickets and auth-logs, and the masking service with the example policy.",
            "Prints where everything is and how to read each segment's view; Ctrl-C stops it all cleanly.",
            "Exit 0 on a clean stop, 1 invalid policy, 2 usage, 5 a port is taken or the service failed."})
final class UpCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--policy"}, paramLabel = "FILE", defaultValue = "examples/retail.yaml",
            description = "The policy to run (default: ${DEFAULT-VALUE}); it becomes the active policy.")
    Path policy;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RunCommand.ServiceOptions options;

    @Option(names = "--rate", paramLabel = "EVENTS/S", defaultValue = "50",
            description = "Demo events per second across the three topics (default: ${DEFAULT-VALUE}; 0: none).")
    int rate;

    @Option(names = "--console-port", paramLabel = "PORT", defaultValue = "8443",
            description = "Port of the API and console on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int consolePort;

    @Option(names = "--no-console", description = "Do not start the API and console.")
    boolean noConsole;

    /** The token and identity {@code veil up} makes for its console: replaced on every start, dev mode only. */
    static final String CONSOLE_PRINCIPAL = "veil-up";

    /** The console's server once started: the service's samples and activations go to it. */
    private final java.util.concurrent.atomic.AtomicReference<dev.veil.server.VeilServer> consoleServer =
            new java.util.concurrent.atomic.AtomicReference<>();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.exists(policy)) {
            err.println("veil: no policy at " + policy + "; run veil up from the Veil directory, or pass --policy FILE");
            return ExitCodes.USAGE;
        }
        if (rate < 0) {
            err.println("veil: --rate must be 0 or more");
            return ExitCodes.USAGE;
        }
        Policy p = PolicyCommand.load(policy, err);
        if (p == null) {
            return ExitCodes.INVALID_POLICY;
        }
        out.println("veil up: dev mode (the example keys are public demo keys; never use them for real data)");
        if (kafka.bootstrap != null) {
            err.println("veil up: warning: this activates " + policy + " on " + kafka.controlTopic + " at "
                    + kafka.bootstrap + " and writes demo events; use a dev cluster, or --control-topic of your own");
        }
        out.flush();
        dev.veil.server.AlertFeed feed = null;
        Home console = null;
        if (!noConsole) {
            feed = new dev.veil.server.AlertFeed(200);
            console = new Home();
            console.home = options.home;
            try {
                // before the service starts: it reads the trust file once, and must trust the console's identity
                console.ownIdentity(CONSOLE_PRINCIPAL, "operator");
            } catch (dev.veil.core.keys.KeyException e) {
                err.println("veil: console identity: " + e.getMessage());
                return ExitCodes.INVALID_POLICY;
            }
            options.extraAlertSinks.add(feed);
            // the console starts after the service: until then there is nowhere to keep samples
            options.sampler = (stream, value) -> {
                dev.veil.server.VeilServer s = consoleServer.get();
                if (s != null) {
                    s.sample(stream, value);
                }
            };
        }
        try (ServiceSession session = new ServiceSession()) {
            int rc = options.start(session, kafka, policy, true, 2, out, err);
            if (rc != ExitCodes.OK) {
                return rc;
            }
            String bootstrap = kafka.bootstrap != null ? kafka.bootstrap : session.broker.bootstrapServers();
            Policy running = session.service.current().policy();
            java.util.Map<String, String> client;
            try {
                client = kafka.clientConfig();
            } catch (KafkaOptions.UsageException e) {
                err.println("veil: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            client.put("bootstrap.servers", bootstrap);
            DemoProducer demo = new DemoProducer(client, rate, running);
            session.keep(demo);
            if (demo.topics.isEmpty()) {
                out.println("Demo        none: the policy reads none of orders, tickets, auth-logs");
            } else if (rate > 0) {
                demo.start();
                out.println("Demo        " + rate + " events/s into " + String.join(", ", demo.topics));
            }
            if (console != null) {
                startConsole(session, console, bootstrap, feed, out, err);
            }
            out.println("Views       (read one with the command beside it)");
            String at = kafka.bootstrap == null && session.broker.port() == KafkaOptions.DEFAULT_PORT
                    ? "" : " -b " + bootstrap;
            for (StreamSpec s : running.streams()) {
                for (String seg : s.segments()) {
                    out.printf(Locale.ROOT, "  %-24s ./veil tail%s %s%n", s.outputFor(seg), at, s.outputFor(seg));
                }
            }
            out.println("Compare     ./veil tail" + at + " orders   (the raw input: what no consumer should get)");
            out.println("Change      edit the policy, then ./veil policy activate" + at + " " + policy);
            out.println("Ctrl-C stops everything.");
            out.flush();
            boolean failed = session.awaitStop(options.duration(), out, Duration.ofSeconds(10), () -> out.printf(Locale.ROOT,
                    "status: %d produced, %d read, %d written to views, %d quarantined%n", demo.sent.get(),
                    ServiceSession.total(session.registry, "veil.records.in"),
                    ServiceSession.total(session.registry, "veil.records.out"),
                    ServiceSession.total(session.registry, "veil.records.quarantined")));
            if (demo.failure != null) {
                err.println("veil: the demo producer stopped: " + demo.failure);
            }
            if (failed) {
                err.println(ServiceSession.FAILED);
                return ExitCodes.SERVICE;
            }
        }
        return ExitCodes.OK;
    }

    /**
     * The API and console on loopback over the running service: its alerts live, its throughput, grants and consent
     * on its control topic. A fresh token with every role but masker is printed once; a console that cannot start
     * (port taken) is a warning, the service runs on.
     */
    private void startConsole(ServiceSession session, Home console, String bootstrap,
                              dev.veil.server.AlertFeed feed, PrintWriter out, PrintWriter err) {
        Home.KafkaGroup k = new Home.KafkaGroup();
        k.bootstrap = bootstrap;
        k.config = kafka.config;
        k.controlTopic = kafka.controlTopic;
        console.kafka = k;
        try {
            Path tokensFile = TokenCommand.file(console);
            dev.veil.server.ApiTokens.Created c = dev.veil.server.ApiTokens.load(tokensFile).without(CONSOLE_PRINCIPAL)
                    .with(CONSOLE_PRINCIPAL, java.util.EnumSet.of(dev.veil.server.Role.VIEWER, dev.veil.server.Role.OPERATOR,
                            dev.veil.server.Role.POLICY_ADMIN, dev.veil.server.Role.AUDITOR), java.util.Set.of());
            c.tokens().save(tokensFile);
            // the file veil up just activated, read once: the text the console shows is the policy compiled here
            String text = Files.readString(policy);
            Policy p = PolicyCommand.parse(text, policy, err);
            if (p == null) {
                throw new IllegalStateException(policy + " changed and no longer parses");
            }
            // the console runs what the service runs: its activations go to the control topic and wait for the
            // service's verdict, and activations from anywhere else (veil policy activate) reach it as well
            dev.veil.server.VeilServer server = ServeCommand.start(ServeCommand.overHome(console, p, text, policy)
                    .port(consolePort).alerts(feed).meters(session.registry).followsService(true), console, session, p);
            consoleServer.set(server);
            session.service.onActivation(a -> server.serviceActivation(a.offset(), a.text(), a.refusal()));
            out.println("Console     " + server.url() + "/console/  sign in with " + c.token());
            out.println("            (token " + CONSOLE_PRINCIPAL + ": viewer, operator, policy-admin, auditor; approvals need"
                    + " a second person: ./veil token create NAME --roles approver)");
        } catch (Exception e) {
            err.println("veil: warning: the console did not start (" + e.getMessage() + "); the service runs on."
                    + " Pick another port with --console-port, or --no-console");
        }
    }

    /** Writes demo events at a steady rate into those of orders, tickets and auth-logs the policy reads. */
    static final class DemoProducer implements AutoCloseable {
        final AtomicLong sent = new AtomicLong();
        final java.util.List<String> topics;
        private final java.util.Map<String, String> client;
        private final int rate;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;
        volatile String failure;

        DemoProducer(java.util.Map<String, String> client, int rate, Policy policy) {
            this.client = client;
            this.rate = rate;
            java.util.Set<String> inputs = new java.util.LinkedHashSet<>();
            for (StreamSpec s : policy.streams()) {
                inputs.add(s.input());
            }
            this.topics = java.util.List.of(DemoEvents.ORDERS, DemoEvents.TICKETS, DemoEvents.AUTH_LOGS).stream()
                    .filter(inputs::contains).toList();
        }

        void start() {
            thread = new Thread(this::produce, "veil-demo-producer");
            thread.setDaemon(true);
            thread.start();
        }

        private void produce() {
            Properties p = new Properties();
            p.putAll(client);
            p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "veil-demo");
            DemoEvents events = new DemoEvents(System.nanoTime());
            long start = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                while (running.get()) {
                    // Keep to the rate on average: send what is due, then sleep a tick.
                    long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                    while (sent.get() < due && running.get()) {
                        DemoEvents.Event e = events.next();
                        if (!topics.contains(e.topic())) {
                            continue;
                        }
                        producer.send(new ProducerRecord<>(e.topic(),
                                e.key() == null ? null : e.key().getBytes(StandardCharsets.UTF_8),
                                e.json().getBytes(StandardCharsets.UTF_8)));
                        sent.incrementAndGet();
                    }
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = e.getClass().getSimpleName();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(10_000);
            }
        }
    }
}
