package dev.veil.cli;

import dev.veil.core.audit.AuditVerifier;
import dev.veil.core.governance.TrustStore;
import dev.veil.core.keys.KeyException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code veil audit}: check and read the tamper-evident audit log. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Check and read audit logs: hash-chained JSON lines with signed checkpoints.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Tail.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: verify, tail or export");
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check that no byte changed and no entry was removed, inserted or reordered, and that the",
                "checkpoints are signed by a trusted key (the trust file's service identities, or --key).",
                "With --topic and --bootstrap, checks the service's audit topic (every instance's chain) instead.",
                "Exit: 0 intact, 1 not intact (the first bad line is named), 2 usage, 3 I/O error, 5 Kafka error."})
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        Home home;
        @Parameters(paramLabel = "FILE", description = "The audit log (default: HOME/audit.jsonl).", arity = "0..1")
        Path file;
        @Option(names = "--key", paramLabel = "BASE64", description = "Trust only this signing key (repeatable).")
        List<String> keys = new ArrayList<>();
        @Option(names = "--open", description = "The log is still being written: entries after the last checkpoint are"
                + " reported, not refused (implied by --topic: running instances have not signed their last entries).")
        boolean open;
        @Option(names = "--topic", paramLabel = "TOPIC", description = "Verify the audit topic TOPIC (for example"
                + " veil.audit) on the --bootstrap cluster instead of a file.")
        String topic;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (topic != null) {
                if (file != null) {
                    err.println("veil audit verify: give FILE or --topic, not both");
                    return ExitCodes.USAGE;
                }
                return Home.guarded("veil audit verify", err, () -> verify(Home.lines(home.auditTopic(topic)), "topic " + topic, true,
                        out, err));
            }
            Path f = file != null ? file : home.auditFile();
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (NoSuchFileException e) {
                err.println("veil audit verify: no such file " + f);
                return ExitCodes.IO;
            } catch (IOException e) {
                err.println("veil audit verify: cannot read " + f + ": " + e.getClass().getSimpleName());
                return ExitCodes.IO;
            }
            return Home.guarded("veil audit verify", err, () -> verify(bytes, f.toString(), open, out, err));
        }

        /** The keys checkpoints must be signed by: --key, else the trust file's service identities. */
        private Set<String> trustedKeys() throws KeyException {
            Set<String> trusted = new LinkedHashSet<>(keys);
            if (trusted.isEmpty()) {
                for (TrustStore.Member m : home.trust().members()) {
                    if (m.roles().contains("service")) {
                        trusted.add(m.key());
                    }
                }
            }
            return trusted;
        }

        private int verify(byte[] bytes, String f, boolean open, PrintWriter out, PrintWriter err) throws KeyException {
            AuditVerifier.Report r = new AuditVerifier(trustedKeys(), open).verify(bytes);
            if (!r.intact()) {
                out.println(f + ": NOT INTACT at line " + r.line() + ": " + r.problem());
                return 1;
            }
            out.printf("%s: intact: %,d entries in %d chain%s, %,d signed checkpoints%s%n", f, r.entries(), r.chains(),
                    r.chains() == 1 ? "" : "s", r.checkpoints(), r.unsignedTail() > 0 ? ", " + r.unsignedTail()
                            + " entries after the last checkpoint (not yet signed)" : "");
            if (!r.keysPinned()) {
                out.println("warning: no trusted key given (trust file without service identities, no --key): edits are"
                        + " detected, but not a log rewritten and re-signed with another key");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Copy the service's audit topic (every instance's chain, in topic order) to a file that",
                "'veil audit verify FILE' checks and archives can keep. Exit: 0 ok, 2 usage, 3 I/O error, 5 Kafka error."})
    static final class Export implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        Home home;
        @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "veil.audit",
                description = "The audit topic (default: ${DEFAULT-VALUE}).")
        String topic;
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write the log.")
        Path output;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return Home.guarded("veil audit export", spec.commandLine().getErr(), () -> {
                List<byte[]> entries = home.auditTopic(topic);
                Files.write(output, Home.lines(entries));
                out.printf("%,d entries from topic %s -> %s%n", entries.size(), topic, output);
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "tail", mixinStandardHelpOptions = true, description = "Print the last entries; --follow waits for more.")
    static final class Tail implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        Home home;
        @Parameters(paramLabel = "FILE", arity = "0..1", description = "The audit log (default: HOME/audit.jsonl).")
        Path file;
        @Option(names = {"-n", "--lines"}, defaultValue = "20", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
        int lines;
        @Option(names = {"-f", "--follow"}, description = "Keep printing entries as they are appended (Ctrl-C to stop).")
        boolean follow;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            Path f = file != null ? file : home.auditFile();
            try {
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) {
                    out.println(l);
                }
                out.flush();
                if (!follow) {
                    return ExitCodes.OK;
                }
                long pos = Files.size(f);
                while (!Thread.currentThread().isInterrupted()) {
                    long size = Files.size(f);
                    if (size > pos) {
                        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
                            raf.seek(pos);
                            byte[] b = new byte[(int) (size - pos)];
                            raf.readFully(b);
                            int lastNl = b.length - 1;
                            while (lastNl >= 0 && b[lastNl] != '\n') {
                                lastNl--; // print whole entries only; a line being written waits for the next round
                            }
                            if (lastNl >= 0) {
                                out.print(new String(b, 0, lastNl + 1, StandardCharsets.UTF_8));
                                out.flush();
                                pos += lastNl + 1;
                            }
                        }
                    }
                    Thread.sleep(200);
                }
                return ExitCodes.OK;
            } catch (NoSuchFileException e) {
                spec.commandLine().getErr().println("veil audit tail: no such file " + f);
                return ExitCodes.IO;
            } catch (IOException e) {
                spec.commandLine().getErr().println("veil audit tail: cannot read " + f + ": " + e.getClass().getSimpleName());
                return ExitCodes.IO;
            }
        }
    }
}
