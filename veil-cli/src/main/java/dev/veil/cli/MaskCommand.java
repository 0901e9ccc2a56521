package dev.veil.cli;

import dev.veil.core.codec.CsvMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.RecordMasker;
import dev.veil.core.codec.TextMasker;
import dev.veil.core.engine.Limits;
import dev.veil.core.engine.Plan;
import dev.veil.core.engine.PlanException;
import dev.veil.core.audit.AuditLog;
import dev.veil.core.governance.Governance;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.Sealer;
import dev.veil.core.policy.DataClass;
import dev.veil.core.policy.Policy;
import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code veil mask}: records in (JSON lines by default), each segment's view out, in input order. */
@Command(name = "mask", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Mask records (files or standard input) with a policy: JSON lines, CSV/TSV rows, text lines,",
            "an Avro container file or length-delimited protobuf messages (--format).",
            "Records that cannot be masked safely are never written: they go to the quarantine file",
            "(sealed with the policy's 'quarantine' key if it has one, otherwise reduced to line and error),",
            "stderr names the line and reason, and the run goes on.",
            "Exit: 0 ok, 1 invalid policy or key, 2 usage, 3 I/O error, 4 some records quarantined."})
final class MaskCommand implements Callable<Integer> {
    private static final int MAX_REPORTED = 20;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--policy"}, required = true, paramLabel = "FILE", description = "The policy file.")
    Path policyFile;

    @Option(names = {"-s", "--segment"}, paramLabel = "NAME",
            description = "The segment whose view to write (optional when the policy has one segment).")
    String segment;

    @Option(names = "--all-segments", description = "Write every segment's view, one file each, in one pass.")
    boolean allSegments;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "With --all-segments: writes DIR/SEGMENT.jsonl.")
    Path outDir;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Output file (default: standard output).")
    Path output;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "json",
            description = "Record format: json (JSON lines), csv (rows; a header line unless --columns), text (lines;"
                    + " see --layout), avro (an Avro object container file), protobuf (length-delimited messages of"
                    + " --message from --descriptor-set). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--columns", split = ",", paramLabel = "NAME", description = "csv: the column names (field paths"
            + " such as customer.email) of input without a header line.")
    List<String> columns;

    @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",", description = "csv: the cell delimiter;"
            + " 'tab' or '\\t' for TSV. Default: ${DEFAULT-VALUE}.")
    String delimiter;

    @Option(names = "--layout", paramLabel = "LAYOUT", defaultValue = "plain", description = "text: plain (content"
            + " detection over the whole line) or logfmt (key=value pairs; keys are field paths). Default: ${DEFAULT-VALUE}.")
    String layout;

    @Option(names = "--descriptor-set", paramLabel = "FILE", description = "protobuf: the descriptor set (protoc"
            + " --include_imports --descriptor_set_out=FILE) holding --message.")
    Path descriptorSet;

    @Option(names = "--message", paramLabel = "TYPE", description = "protobuf: the full name of the message type,"
            + " such as acme.shop.Order.")
    String messageType;

    @Option(names = "--descriptor-out", paramLabel = "FILE", description = "protobuf, one segment: also write the"
            + " segment's output descriptor set to FILE (with --all-segments: DIR/SEGMENT.desc is written).")
    Path descriptorOut;

    @Option(names = {"-q", "--quarantine"}, paramLabel = "FILE", description = "Where refused records are recorded.")
    Path quarantineFile;

    @Option(names = "--max-record-bytes", paramLabel = "N", defaultValue = "" + Limits.DEFAULT_MAX_RECORD_BYTES,
            description = "Larger records are quarantined. Default: ${DEFAULT-VALUE}.")
    int maxRecordBytes;

    @Option(names = "--max-depth", paramLabel = "N", defaultValue = "" + Limits.DEFAULT_MAX_DEPTH,
            description = "Deeper nesting is quarantined. Default: ${DEFAULT-VALUE}.")
    int maxDepth;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads that mask in parallel; output keeps"
            + " input order. Default: the number of CPUs (${DEFAULT-VALUE} = auto).", defaultValue = "0")
    int threads;

    @Option(names = "--progress", negatable = true, description = "Progress bar on stderr (default: when stderr is a"
            + " terminal and the input is files).")
    Boolean progress;

    @Option(names = "--stream", paramLabel = "NAME", description = "The stream these records belong to: grants scoped to"
            + " this stream apply (without it, no grant applies; consent always does).")
    String stream;

    @Option(names = "--audit", paramLabel = "FILE", description = "Append an audit trail of the run to FILE (hash-chained,"
            + " signed by HOME's audit identity): per-chunk masking summaries, quarantines, grant uses, consent"
            + " suppressions. Never values.")
    Path auditFile;

    @picocli.CommandLine.Mixin
    Home home;

    @Parameters(paramLabel = "IN", arity = "0..*", description = "Input files of JSON lines; '-' or none: standard input.")
    List<String> inputs = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (allSegments && outDir == null) {
            return usage(err, "--all-segments needs --out-dir DIR (one output file per segment)");
        }
        if (allSegments && (segment != null || output != null)) {
            return usage(err, "--all-segments writes every segment to --out-dir; drop --segment and --output");
        }
        if (!allSegments && outDir != null) {
            return usage(err, "--out-dir goes with --all-segments; for one segment use --output FILE");
        }
        String formatProblem = checkFormatOptions();
        if (formatProblem != null) {
            return usage(err, formatProblem);
        }
        Limits limits;
        try {
            limits = new Limits(maxRecordBytes, maxDepth);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        Policy policy = PolicyCommand.load(policyFile, err);
        if (policy == null) {
            return ExitCodes.INVALID_POLICY;
        }
        if (segment != null && policy.segment(segment) == null) {
            return usage(err, "no segment '" + segment + "' in policy " + policy.name() + "; it has: "
                    + String.join(", ", policy.segments().keySet()));
        }
        List<String> segments;
        if (allSegments) {
            segments = List.copyOf(policy.segments().keySet());
        } else if (segment != null) {
            segments = List.of(segment);
        } else if (policy.segments().size() == 1) {
            segments = List.copyOf(policy.segments().keySet());
        } else {
            return usage(err, "policy " + policy.name() + " has segments " + String.join(", ", policy.segments().keySet())
                    + ": pick one with --segment NAME, or write all with --all-segments --out-dir DIR");
        }
        KeyRing keys = KeyRing.of(policy.keys());
        Plan plan;
        Sealer sealer = null;
        try {
            plan = Plan.compile(policy, segments, keys, limits);
            if (keys.has("quarantine")) {
                sealer = keys.sealer("quarantine");
            }
        } catch (PlanException | KeyException e) {
            err.println("veil mask: " + e.getMessage());
            return ExitCodes.INVALID_POLICY;
        }
        Governance governance = Governance.NONE;
        try {
            if (home.onKafka() || Files.exists(home.storeFile())) {
                KeyedHash fp = policy.consent() == null ? null : keys.keyedHash(policy.consent().key());
                governance = home.ledger().evaluate(policy, home.trust(), fp);
                if (governance.anyGrants() && stream == null) {
                    err.println("veil mask: note: there are approved grants, but without --stream NAME none applies");
                }
            }
        } catch (KeyException e) {
            err.println("veil mask: " + e.getMessage());
            return ExitCodes.INVALID_POLICY;
        } catch (KafkaOptions.UsageException e) {
            return usage(err, e.getMessage());
        } catch (dev.veil.kafka.ServiceException e) {
            err.println("veil mask: " + e.getMessage());
            return ExitCodes.SERVICE;
        } catch (IOException e) {
            err.println("veil mask: cannot read grants and consent: " + e.getMessage());
            return ExitCodes.IO;
        }
        if (!format.equals("json")) {
            if (governance.optedOutCount() > 0) {
                err.println("veil mask: " + governance.optedOutCount() + " data subjects have opted out, and consent"
                        + " suppression needs JSON records (the subject's path); refusing to mask " + format
                        + " records without it. Convert the records to JSON lines, or mask them with --format json.");
                return ExitCodes.REFUSED;
            }
            if (governance.anyGrants() && stream != null) {
                err.println("veil mask: note: grants apply to JSON records only; none applies to " + format + " records");
            }
        }
        if (format.equals("avro") || format.equals("protobuf")) {
            return new BinaryMask(this, plan, sealer, err).run();
        }
        return run(plan, sealer, governance, err);
    }

    /** The extension of an output file of the chosen format. */
    String extension() {
        return switch (format) {
            case "csv" -> delimiterChar() == '\t' ? ".tsv" : ".csv";
            case "text" -> ".log";
            case "avro" -> ".avro";
            case "protobuf" -> ".pb";
            default -> ".jsonl";
        };
    }

    char delimiterChar() {
        return delimiter.equals("tab") || delimiter.equals("\\t") || delimiter.equals("\t") ? '\t' : delimiter.charAt(0);
    }

    /** A usage problem with the format options, or null. */
    private String checkFormatOptions() {
        if (!List.of("json", "csv", "text", "avro", "protobuf").contains(format)) {
            return "unknown --format " + format + "; use json, csv, text, avro or protobuf";
        }
        if (columns != null && !format.equals("csv")) {
            return "--columns goes with --format csv";
        }
        boolean tab = delimiter.equals("tab") || delimiter.equals("\\t") || delimiter.equals("\t");
        if (!tab && (delimiter.length() != 1 || "\"\r\n".indexOf(delimiter.charAt(0)) >= 0)) {
            return "--delimiter takes one character other than a quote or a line break, or 'tab'";
        }
        if (!layout.equals("plain") && !layout.equals("logfmt")) {
            return "unknown --layout " + layout + "; use plain or logfmt";
        }
        boolean proto = format.equals("protobuf");
        if (proto && (descriptorSet == null || messageType == null)) {
            return "--format protobuf needs --descriptor-set FILE and --message TYPE";
        }
        if (!proto && (descriptorSet != null || messageType != null || descriptorOut != null)) {
            return "--descriptor-set, --message and --descriptor-out go with --format protobuf";
        }
        if (descriptorOut != null && allSegments) {
            return "--descriptor-out is for one segment; --all-segments writes DIR/SEGMENT.desc";
        }
        if ((format.equals("avro") || format.equals("protobuf")) && !allSegments && output == null) {
            return "--format " + format + " writes binary records: give --output FILE or --all-segments --out-dir DIR";
        }
        if ((format.equals("avro") || format.equals("protobuf")) && auditFile != null) {
            return "--audit covers JSON, CSV and text runs; for " + format + " records use the Kafka service's audit";
        }
        return null;
    }

    private static int usage(PrintWriter err, String msg) {
        err.println("veil mask: " + msg);
        err.println("Try 'veil mask --help'.");
        return ExitCodes.USAGE;
    }

    private int run(Plan plan, Sealer sealer, Governance governance, PrintWriter err) {
        List<String> ins = inputs.isEmpty() ? List.of("-") : inputs;
        for (String in : ins) {
            if (!in.equals("-") && !Files.isReadable(Path.of(in))) {
                err.println("veil mask: cannot read input " + in + (Files.exists(Path.of(in)) ? " (permission)" : " (no such file)"));
                return ExitCodes.IO;
            }
        }
        int n = plan.segments().size();
        List<Path> targets = new ArrayList<>();
        if (allSegments) {
            plan.segments().forEach(seg -> targets.add(outDir.resolve(seg + extension())));
        } else if (output != null) {
            targets.add(output);
        }
        if (quarantineFile != null) {
            targets.add(quarantineFile);
        }
        if (auditFile != null) {
            targets.add(auditFile);
        }
        for (String in : ins) {
            for (Path t : targets) {
                if (!in.equals("-") && sameFile(Path.of(in), t)) {
                    return usage(err, "output " + t + " is also an input; writing it would destroy the input");
                }
            }
        }
        List<String> cols;
        try {
            cols = csvColumns(ins);
        } catch (IOException e) {
            err.println("veil mask: " + e.getMessage());
            return ExitCodes.IO;
        }
        OutputStream[] outs = new OutputStream[n];
        boolean writeFailed = false;
        Stats stats = new Stats(n);
        long totalBytes = 0;
        boolean filesOnly = true;
        for (String in : ins) {
            if (in.equals("-")) {
                filesOnly = false;
            } else {
                try {
                    totalBytes += Files.size(Path.of(in));
                } catch (IOException e) {
                    filesOnly = false;
                }
            }
        }
        Progress bar = Progress.create(progress, filesOnly, totalBytes, err);
        long t0 = System.nanoTime();
        try {
            if (allSegments) {
                Files.createDirectories(outDir);
                for (int s = 0; s < n; s++) {
                    outs[s] = new BufferedOutputStream(Files.newOutputStream(outDir.resolve(plan.segments().get(s) + extension())), 1 << 18);
                }
            } else {
                outs[0] = new BufferedOutputStream(output == null ? new NonClosingOut(new java.io.FileOutputStream(java.io.FileDescriptor.out))
                        : Files.newOutputStream(output), 1 << 18);
            }
            AuditLog audit = null;
            if (auditFile != null) {
                try {
                    audit = home.audit(auditFile);
                } catch (KeyException e) {
                    err.println("veil mask: audit identity: " + e.getMessage());
                    return ExitCodes.INVALID_POLICY;
                }
                Map<String, Object> f = new java.util.LinkedHashMap<>();
                f.put("policy", plan.policy().name());
                f.put("version", plan.policy().version());
                f.put("segments", plan.segments());
                f.put("stream", stream == null ? "" : stream);
                f.put("inputs", ins.size());
                f.put("grants_effective", governance.statuses().stream().filter(x -> x.state() == Governance.State.APPROVED).count());
                f.put("opted_out_subjects", governance.optedOutCount());
                audit.append("mask-run-started", f);
            }
            final AuditLog log = audit;
            try (Quarantine q = new Quarantine(quarantineFile, sealer, plan.policy().version()); AuditLog closing = audit) {
                int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
                List<MaskWorker> maskWorkers = java.util.Collections.synchronizedList(new ArrayList<>());
                Map<MaskWorker.Undeclared, String> undeclared = new java.util.concurrent.ConcurrentSkipListMap<>();
                if (format.equals("csv")) {
                    CsvMasker header = CsvMasker.compile(plan, cols, delimiterChar());
                    for (int s = 0; s < n; s++) {
                        outs[s].write((header.outputHeader(s) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                Pipeline pipeline = new Pipeline(workers, maxRecordBytes, () -> {
                    RecordMasker lines = switch (format) {
                        case "csv" -> CsvMasker.compile(plan, cols, delimiterChar());
                        case "text" -> TextMasker.compile(plan, layout.equals("logfmt") ? TextMasker.Layout.LOGFMT
                                : TextMasker.Layout.PLAIN);
                        default -> null;
                    };
                    MaskWorker w = new MaskWorker(plan, q, maxRecordBytes, governance, stream, log != null,
                            undeclared, lines, format.equals("csv") && columns == null);
                    maskWorkers.add(w);
                    return w;
                });
                pipeline.run(ins, chunk -> {
                    for (int s = 0; s < n; s++) {
                        outs[s].write(chunk.views[s].buf, 0, chunk.views[s].len);
                        stats.written[s] += chunk.written[s];
                        stats.dropped[s] += chunk.dropped[s];
                        stats.changed[s] += chunk.changed[s];
                    }
                    for (String line : chunk.quarantine) {
                        q.write(line);
                    }
                    for (String note : chunk.notes) {
                        if (stats.notes++ < MAX_REPORTED) {
                            err.println("veil mask: " + note);
                        }
                    }
                    for (int i = 0; i < chunk.reasons.size(); i++) {
                        stats.refuse(RecordException.Reason.valueOf(chunk.reasons.get(i)));
                        report(err, stats, chunk.reports.get(i));
                    }
                    if (log != null) {
                        auditChunk(log, plan, chunk);
                    }
                    stats.records += chunk.records;
                    stats.blank += chunk.blank;
                    stats.oversize += chunk.oversize;
                    bar.update(chunk.bytesConsumed, stats.records);
                    if (chunk.lastOfSource) {
                        bar.finishFile(chunk.bytesConsumed);
                    }
                });
                long[] counts = new long[plan.policy().classTable().size()];
                synchronized (maskWorkers) {
                    for (MaskWorker w : maskWorkers) {
                        long[] wc = w.classCounts();
                        for (int i = 0; i < counts.length; i++) {
                            counts[i] += wc[i];
                        }
                    }
                }
                for (DataClass c : plan.policy().classTable().classes()) {
                    stats.perClass.put(c.name(), counts[c.id()]);
                }
                stats.undeclared.putAll(undeclared);
                if (log != null) {
                    for (Map.Entry<MaskWorker.Undeclared, String> u : undeclared.entrySet()) {
                        Map<String, Object> f = new java.util.LinkedHashMap<>();
                        f.put("kind", "undeclared-pii");
                        f.put("path", u.getKey().path());
                        f.put("class", u.getKey().dataClass());
                        f.put("by", u.getValue());
                        log.append("alert", f);
                    }
                    Map<String, Object> f = new java.util.LinkedHashMap<>();
                    f.put("records", stats.records + stats.oversize);
                    f.put("quarantined", stats.quarantined);
                    f.put("values_by_class", new java.util.LinkedHashMap<>(stats.perClass));
                    log.append("mask-run-finished", f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("veil mask: interrupted");
            return ExitCodes.IO;
        } catch (NoSuchFileException | FileNotFoundException e) {
            err.println("veil mask: no such file or folder: " + e.getMessage());
            return ExitCodes.IO;
        } catch (IOException e) {
            err.println("veil mask: I/O error: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null && e.getMessage().startsWith("/") ? " on " + e.getMessage() : ""));
            return ExitCodes.IO;
        } finally {
            for (OutputStream o : outs) {
                if (o != null) {
                    try {
                        o.close();
                    } catch (IOException e) {
                        err.println("veil mask: cannot finish writing output: " + e.getClass().getSimpleName());
                        writeFailed = true;
                    }
                }
            }
            bar.done();
        }
        stats.print(err, plan, System.nanoTime() - t0, quarantineFile);
        err.flush();
        if (writeFailed) {
            return ExitCodes.IO;
        }
        return stats.quarantined > 0 ? ExitCodes.QUARANTINED : ExitCodes.OK;
    }

    /**
     * The CSV columns: {@code --columns}, or the header line of the inputs, which must all have the same one. Reads the
     * header of standard input byte by byte, so the rest stays for the pipeline.
     */
    private List<String> csvColumns(List<String> ins) throws IOException {
        if (!format.equals("csv")) {
            return null;
        }
        if (columns != null) {
            return columns;
        }
        List<String> first = null;
        for (String in : ins) {
            String line;
            if (in.equals("-")) {
                line = firstLine(System.in);
            } else {
                try (java.io.InputStream is = Files.newInputStream(Path.of(in))) {
                    line = firstLine(is);
                }
            }
            List<String> cols;
            try {
                cols = CsvMasker.header(line, delimiterChar());
            } catch (RecordException e) {
                throw new IOException("the header line of " + in + " is not CSV: " + e.getMessage());
            }
            if (first == null) {
                first = cols;
            } else if (!first.equals(cols)) {
                throw new IOException("the header line of " + in + " differs from the first input's; mask them"
                        + " in separate runs");
            }
        }
        return first;
    }

    private static String firstLine(java.io.InputStream in) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            b.write(c);
            if (b.size() > 1 << 20) {
                throw new IOException("the header line is over 1 MiB");
            }
        }
        return b.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** One summary per chunk (lines, counts per segment and class:action), then the chunk's own entries in line order. */
    private static void auditChunk(AuditLog log, Plan plan, Chunk chunk) throws IOException {
        if (chunk.count == 0) {
            return;
        }
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("source", chunk.source);
        f.put("lines", List.of(chunk.lines[0], chunk.lines[chunk.count - 1]));
        f.put("records", chunk.records);
        f.put("policy", plan.policy().shortVersion());
        Map<String, Object> segs = new java.util.LinkedHashMap<>();
        for (int s = 0; s < plan.segments().size(); s++) {
            Map<String, Object> seg = new java.util.LinkedHashMap<>();
            seg.put("written", chunk.written[s]);
            seg.put("dropped", chunk.dropped[s]);
            Map<String, Long> actions = new java.util.LinkedHashMap<>();
            if (chunk.classCounts != null) {
                for (DataClass c : plan.policy().classTable().classes()) {
                    if (chunk.classCounts[c.id()] > 0) {
                        actions.put(c.name() + ":" + plan.action(s, c).name(), chunk.classCounts[c.id()]);
                    }
                }
            }
            seg.put("actions", actions);
            segs.put(plan.segments().get(s), seg);
        }
        f.put("segments", segs);
        log.append("summary", f);
        for (Object[] e : chunk.audit) {
            @SuppressWarnings("unchecked") Map<String, Object> fields = (Map<String, Object>) e[1];
            log.append((String) e[0], fields);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    static void report(PrintWriter err, Stats stats, String message) {
        if (stats.quarantined <= MAX_REPORTED) {
            err.println("veil mask: " + message);
        } else if (stats.quarantined == MAX_REPORTED + 1) {
            err.println("veil mask: further quarantined records are counted in the summary only");
        }
    }

    /** Counters for the end-of-run summary. */
    static final class Stats {
        /** Non-blank lines handed to the masker. */
        long records;
        /** Lines over the size limit, refused before parsing. */
        long oversize;
        long blank;
        long quarantined;
        final long[] written;
        final long[] dropped;
        final long[] changed;
        final Map<RecordException.Reason, Long> reasons = new EnumMap<>(RecordException.Reason.class);
        final Map<String, Long> perClass = new java.util.LinkedHashMap<>();
        /** (path, class) -> how it was found, for sensitive values at paths no rule names. */
        final Map<MaskWorker.Undeclared, String> undeclared = new java.util.TreeMap<>();
        long notes;

        Stats(int segments) {
            written = new long[segments];
            dropped = new long[segments];
            changed = new long[segments];
        }

        void refuse(RecordException.Reason r) {
            quarantined++;
            reasons.merge(r, 1L, Long::sum);
        }

        void print(PrintWriter err, Plan plan, long nanos, Path qfile) {
            double secs = nanos / 1e9;
            long total = records + oversize;
            err.printf(Locale.ROOT, "veil mask: %,d records in %.2f s (%,.0f records/s), policy %s@%s%n", total,
                    secs, secs > 0 ? total / secs : 0.0, plan.policy().name(), plan.policy().shortVersion());
            for (int s = 0; s < written.length; s++) {
                err.printf(Locale.ROOT, "  segment %s: %,d written (%,d changed), %,d dropped by drop-record%n",
                        plan.segments().get(s), written[s], changed[s], dropped[s]);
            }
            StringBuilder cls = new StringBuilder();
            perClass.forEach((k, v) -> {
                if (v > 0) {
                    cls.append(cls.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%,d", v));
                }
            });
            err.println("  values found by class: " + (cls.length() == 0 ? "none" : cls));
            if (!undeclared.isEmpty()) {
                err.println("  undeclared PII at paths no rule names (masked as found; structured fields deserve a rule under fields:):");
                int shown = 0;
                for (Map.Entry<MaskWorker.Undeclared, String> u : undeclared.entrySet()) {
                    if (shown++ == MAX_REPORTED) {
                        err.printf(Locale.ROOT, "    ... and %d more%n", undeclared.size() - MAX_REPORTED);
                        break;
                    }
                    err.println("    " + u.getKey() + " (by " + u.getValue() + ")");
                }
            }
            if (notes > MAX_REPORTED) {
                err.printf(Locale.ROOT, "  leak guard: %,d records forwarded with a value unmasked (scan.leak_guard: alert)%n", notes);
            }
            if (quarantined > 0) {
                StringBuilder rs = new StringBuilder();
                reasons.forEach((k, v) -> rs.append(rs.length() == 0 ? "" : ", ").append(k.name().toLowerCase(Locale.ROOT)).append(' ').append(v));
                err.printf(Locale.ROOT, "  quarantined: %,d (%s)%s%n", quarantined, rs,
                        qfile == null ? "; not kept: pass --quarantine FILE to record them" : " -> " + qfile);
            } else {
                err.println("  quarantined: 0");
            }
            if (blank > 0) {
                err.printf(Locale.ROOT, "  blank lines skipped: %,d%n", blank);
            }
        }
    }
}
