package dev.veil.cli;

import dev.veil.core.codec.JsonWalker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.detect.DetectorSet;
import dev.veil.core.detect.Finding;
import dev.veil.core.detect.FindingsJson;
import dev.veil.core.engine.Limits;
import dev.veil.core.policy.Policy;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code veil detect}: one JSON object of findings per input line, in order. The output format is a contract
 * that outside checks read: {@code {"findings":[{"type":"EMAIL","start":12,"end":31,"score":0.97}]}} with
 * UTF-16 offsets into the line; with {@code --json} each finding also carries the path of its string value.
 */
@Command(name = "detect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find PII and secrets in text lines (or in the string values of JSON lines with --json).",
            "Writes one JSON object per input line, in order:",
            "  {\"findings\":[{\"type\":\"EMAIL\",\"start\":12,\"end\":31,\"score\":0.97}]}",
            "start and end are UTF-16 offsets into the line (into the value, with --json, plus \"path\").",
            "Exit: 0 ok, 1 invalid policy, 2 usage, 3 I/O error."})
final class DetectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Each line is a JSON record; scan its string values.")
    boolean json;

    @Option(names = {"-p", "--policy"}, paramLabel = "FILE",
            description = "Use the policy's own classes and scan.min_score (default: built-in detectors, 0.5).")
    Path policyFile;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Output file (default: standard output).")
    Path output;

    @Option(names = "--max-record-bytes", paramLabel = "N", defaultValue = "" + Limits.DEFAULT_MAX_RECORD_BYTES,
            description = "Longer lines get an error object instead of findings. Default: ${DEFAULT-VALUE}.")
    int maxRecordBytes;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Detection threads; output keeps input order. Default: the number of CPUs.")
    int threads;

    @Parameters(paramLabel = "IN", arity = "0..*", description = "Input files; '-' or none: standard input.")
    List<String> inputs = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        DetectorSet detectors;
        if (policyFile != null) {
            Policy p = PolicyCommand.load(policyFile, err);
            if (p == null) {
                return ExitCodes.INVALID_POLICY;
            }
            detectors = DetectorSet.forPolicy(p);
        } else {
            detectors = DetectorSet.builtIn(0.5);
        }
        List<String> ins = inputs.isEmpty() ? List.of("-") : inputs;
        for (String in : ins) {
            if (!in.equals("-") && !Files.isReadable(Path.of(in))) {
                err.println("veil detect: cannot read input " + in);
                return ExitCodes.IO;
            }
        }
        Limits limits;
        try {
            limits = new Limits(maxRecordBytes, Limits.DEFAULT_MAX_DEPTH);
        } catch (IllegalArgumentException e) {
            err.println("veil detect: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        boolean writeFailed = false;
        OutputStream out = null;
        try {
            out = new BufferedOutputStream(output == null
                    ? new NonClosingOut(new java.io.FileOutputStream(java.io.FileDescriptor.out))
                    : Files.newOutputStream(output), 1 << 18);
            OutputStream o = out;
            Pipeline pipeline = new Pipeline(workers, maxRecordBytes,
                    () -> new Detect(detectors, new JsonWalker(limits, false), json, maxRecordBytes));
            pipeline.run(ins, chunk -> o.write(chunk.views[0].buf, 0, chunk.views[0].len));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("veil detect: interrupted");
            return ExitCodes.IO;
        } catch (IOException e) {
            err.println("veil detect: I/O error: " + e.getClass().getSimpleName());
            return ExitCodes.IO;
        } finally {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    err.println("veil detect: cannot finish writing output: " + e.getClass().getSimpleName());
                    writeFailed = true;
                }
            }
        }
        if (writeFailed) {
            return ExitCodes.IO;
        }
        return ExitCodes.OK;
    }

    /** The per-line work of one pipeline thread, with reusable buffers. */
    private static final class Detect implements Pipeline.Worker {
        private final DetectorSet detectors;
        private final JsonWalker walker;
        private final boolean json;
        private final int maxBytes;
        private final StringBuilder sb = new StringBuilder(256);
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private int count;

        Detect(DetectorSet detectors, JsonWalker walker, boolean json, int maxBytes) {
            this.detectors = detectors;
            this.walker = walker;
            this.json = json;
            this.maxBytes = maxBytes;
        }

        @Override
        public void process(Chunk c) {
            if (c.views == null) {
                c.views = new Chunk.ByteSinkOut[] {new Chunk.ByteSinkOut()};
                c.written = new long[1];
                c.dropped = new long[1];
                c.changed = new long[1];
            }
            Chunk.ByteSinkOut o = c.views[0];
            for (int i = 0; i < c.count; i++) {
                sb.setLength(0);
                switch (c.kinds[i]) {
                    case Chunk.OVERSIZE -> error("line of " + c.lengths[i] + " bytes is longer than the limit of " + maxBytes);
                    case Chunk.BLANK -> sb.append("{\"findings\":[]}");
                    default -> {
                        if (json) {
                            json(c.data, c.starts[i], c.lengths[i]);
                        } else {
                            text(c.data, c.starts[i], c.lengths[i]);
                        }
                    }
                }
                byte[] b = bytes();
                o.write(b, 0, b.length);
            }
        }

        private void text(byte[] b, int off, int len) {
            String line = decode(b, off, len);
            sb.append("{\"findings\":[");
            count = 0;
            for (Finding f : detectors.scan(line)) {
                finding(null, f);
            }
            sb.append("]}");
        }

        private void json(byte[] b, int off, int len) {
            sb.append("{\"findings\":[");
            count = 0;
            try {
                walker.walk(b, off, len, (path, name, kind, value) -> {
                    if (kind == JsonWalker.Kind.STRING) {
                        for (Finding f : detectors.scan(value)) {
                            finding(path, f);
                        }
                    }
                });
                sb.append("]}");
            } catch (RecordException e) {
                sb.setLength(0);
                error(e.getMessage());
            }
        }

        private void error(String message) {
            FindingsJson.error(sb, message);
        }

        private void finding(CharSequence path, Finding f) {
            if (count++ > 0) {
                sb.append(',');
            }
            FindingsJson.append(sb, path, f);
        }

        private String decode(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (b[i] < 0) {
                    try {
                        return decoder.decode(ByteBuffer.wrap(b, off, len)).toString();
                    } catch (java.nio.charset.CharacterCodingException e) {
                        return new String(b, off, len, StandardCharsets.UTF_8);
                    }
                }
            }
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }

        private byte[] bytes() {
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
