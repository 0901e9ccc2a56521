package dev.veil.cli;

import dev.veil.avro.AvroMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import dev.veil.core.keys.Sealer;
import dev.veil.core.policy.DataClass;
import dev.veil.protobuf.DescriptorSets;
import dev.veil.protobuf.ProtoMasker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;

/**
 * {@code veil mask} for binary formats, on one thread: an Avro object container file in, one container per segment
 * out (with the segment's output schema); or length-delimited protobuf messages in and out, with each segment's
 * output descriptor set written beside them. Refused records go to the quarantine, as for JSON lines.
 */
final class BinaryMask {
    private final MaskCommand c;
    private final Plan plan;
    private final Sealer sealer;
    private final PrintWriter err;
    private final int segs;
    private final MaskCommand.Stats stats;

    BinaryMask(MaskCommand c, Plan plan, Sealer sealer, PrintWriter err) {
        this.c = c;
        this.plan = plan;
        this.sealer = sealer;
        this.err = err;
        this.segs = plan.segments().size();
        this.stats = new MaskCommand.Stats(segs);
    }

    private List<Path> targets() {
        List<Path> l = new ArrayList<>();
        if (c.allSegments) {
            for (String s : plan.segments()) {
                l.add(c.outDir.resolve(s + c.extension()));
            }
        } else {
            l.add(c.output);
        }
        return l;
    }

    int run() {
        List<String> ins = c.inputs.isEmpty() ? List.of("-") : c.inputs;
        long t0 = System.nanoTime();
        try {
            if (c.allSegments) {
                Files.createDirectories(c.outDir);
            }
            try (Quarantine q = new Quarantine(c.quarantineFile, sealer, plan.policy().version())) {
                if (c.format.equals("avro")) {
                    avro(ins, q);
                } else {
                    protobuf(ins, q);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("veil mask: " + e.getMessage());
            return ExitCodes.INVALID_POLICY;
        } catch (IOException | org.apache.avro.AvroRuntimeException e) {
            err.println("veil mask: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return ExitCodes.IO;
        }
        stats.print(err, plan, System.nanoTime() - t0, c.quarantineFile);
        err.flush();
        return stats.quarantined > 0 ? ExitCodes.QUARANTINED : ExitCodes.OK;
    }

    private InputStream open(String in) throws IOException {
        return new BufferedInputStream(in.equals("-") ? System.in : Files.newInputStream(Path.of(in)), 1 << 16);
    }

    private void avro(List<String> ins, Quarantine q) throws IOException {
        List<Path> paths = targets();
        @SuppressWarnings("unchecked") DataFileWriter<Object>[] writers = new DataFileWriter[segs];
        AvroMasker m = null;
        try {
            for (String in : ins) {
                String source = in.equals("-") ? "stdin" : in;
                try (DataFileStream<Object> file = new DataFileStream<>(open(in), new GenericDatumReader<>())) {
                    Schema writer = file.getSchema();
                    if (m == null) {
                        m = AvroMasker.compile(plan, writer);
                        for (int s = 0; s < segs; s++) {
                            writers[s] = new DataFileWriter<>(new GenericDatumWriter<>(m.outputSchema(s)));
                            writers[s].create(m.outputSchema(s), Files.newOutputStream(paths.get(s)));
                        }
                    } else if (!m.writerSchema().equals(writer)) {
                        throw new IOException(source + " is written with another schema than the first input; one"
                                + " output file holds one schema: mask it in a separate run");
                    }
                    // whole blocks of records as the file holds them, masked where they lie: never decoded into
                    // objects and encoded again
                    long n = 0;
                    while (file.hasNext()) {
                        long count = file.getBlockCount();
                        ByteBuffer block = file.nextBlock();
                        byte[] b = block.array();
                        int p = block.arrayOffset() + block.position();
                        int end = block.arrayOffset() + block.limit();
                        for (long k = 0; k < count; k++) {
                            n++;
                            AvroMasker am = m;
                            int at = p;
                            Views v = mask(m, () -> am.maskNext(b, at, end), q, source, n, b, at, end - at,
                                    count - k - 1);
                            if (v == null) {
                                break; // where the refused record ends is unknown: the rest of its block goes with it
                            }
                            p = m.next();
                            for (int s = 0; s < segs; s++) {
                                if (!v.dropped(s)) {
                                    writers[s].appendEncoded(ByteBuffer.wrap(v.array(s), v.offset(s), v.length(s)));
                                }
                            }
                        }
                    }
                }
            }
        } finally {
            for (DataFileWriter<Object> w : writers) {
                if (w != null) {
                    w.close();
                }
            }
        }
        counts();
    }

    private void protobuf(List<String> ins, Quarantine q) throws IOException {
        ProtoMasker m = ProtoMasker.compile(plan, DescriptorSets.read(c.descriptorSet).message(c.messageType));
        m.onUnknownField((type, number) -> err.println("veil mask: field number " + number + " of " + type
                + " is not in the descriptor set: it is left out of every view (update the descriptor set)"));
        List<Path> paths = targets();
        OutputStream[] outs = new OutputStream[segs];
        try {
            for (int s = 0; s < segs; s++) {
                outs[s] = new BufferedOutputStream(Files.newOutputStream(paths.get(s)), 1 << 18);
                Path desc = c.allSegments ? c.outDir.resolve(plan.segments().get(s) + ".desc") : c.descriptorOut;
                if (desc != null) {
                    Files.write(desc, m.outputDescriptorSet(s).toByteArray());
                }
            }
            for (String in : ins) {
                String source = in.equals("-") ? "stdin" : in;
                try (InputStream is = open(in)) {
                    long n = 0;
                    byte[] b;
                    while ((b = next(is, source, ++n, q)) != null) {
                        if (b == SKIPPED) {
                            continue;
                        }
                        ProtoMasker pm = m;
                        byte[] rec = b;
                        Views v = mask(m, () -> pm.mask(rec, 0, rec.length), q, source, n, b, 0, b.length, 0);
                        if (v == null) {
                            continue;
                        }
                        for (int s = 0; s < segs; s++) {
                            if (!v.dropped(s)) {
                                writeVarint(outs[s], v.length(s));
                                outs[s].write(v.array(s), v.offset(s), v.length(s));
                            }
                        }
                    }
                }
            }
        } finally {
            for (OutputStream o : outs) {
                if (o != null) {
                    o.close();
                }
            }
        }
        counts();
        if (m.unknownFields() > 0) {
            err.printf("veil mask: %,d fields the descriptor set does not know were left out%n", m.unknownFields());
        }
    }

    /** Stands for a message that was skipped and quarantined unread (identity, not content, tells it apart). */
    private static final byte[] SKIPPED = new byte[0];

    /**
     * The next length-delimited message, null at the end; a message over the size limit is skipped, quarantined and
     * returned as {@link #SKIPPED}.
     */
    private byte[] next(InputStream in, String source, long n, Quarantine q) throws IOException {
        long len = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.read();
            if (b < 0) {
                if (shift == 0) {
                    return null;
                }
                throw new EOFException(source + ": input ends inside the length of message " + n);
            }
            if (shift >= 35) {
                throw new IOException(source + ": the length of message " + n + " is not a valid varint; the input is"
                        + " not length-delimited protobuf");
            }
            len |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        int max = plan.limits().maxRecordBytes();
        if (len > max) {
            try {
                in.skipNBytes(len);
            } catch (EOFException e) {
                throw new EOFException(source + ": input ends inside message " + n);
            }
            refuse(q, source, n, RecordException.Reason.TOO_LARGE, "message of " + len + " bytes is over the limit of "
                    + max, len, null, 0, 0);
            return SKIPPED;
        }
        byte[] b = in.readNBytes((int) len);
        if (b.length != len) {
            refuse(q, source, n, RecordException.Reason.TRUNCATED, "input ends inside message " + n, b.length, b, 0,
                    b.length);
            return null;
        }
        return b;
    }

    /** One masking step of a record, so that every format's refusals are handled alike. */
    private interface Step {
        Views run() throws RecordException;
    }

    /**
     * Runs {@code step} for record {@code n}, counting its views; a refusal quarantines bytes {@code off..off+len} of
     * {@code b} and returns null.
     *
     * @param following records after this one that a refusal takes with it (an Avro block cannot be resynchronised)
     */
    private Views mask(dev.veil.core.codec.RecordMasker m, Step step, Quarantine q, String source, long n, byte[] b,
                       int off, int len, long following) throws IOException {
        stats.records++;
        String with = following == 0 ? "" : " (with the " + following + " records after it in its block)";
        try {
            Views v = step.run();
            long[] rc = m.recordClassCounts();
            for (DataClass cls : plan.policy().classTable().classes()) {
                if (rc[cls.id()] > 0) {
                    stats.perClass.merge(cls.name(), rc[cls.id()], Long::sum);
                }
            }
            for (int s = 0; s < segs; s++) {
                if (v.dropped(s)) {
                    stats.dropped[s]++;
                } else {
                    stats.written[s]++;
                    if (v.changed(s)) {
                        stats.changed[s]++;
                    }
                }
            }
            return v;
        } catch (RecordException e) {
            refuse(q, source, n, e.reason(), e.getMessage() + with, len, b, off, len);
            return null;
        } catch (RuntimeException | StackOverflowError e) {
            // fail closed: an engine fault never lets the record through; its message may quote input, so only the type
            refuse(q, source, n, RecordException.Reason.INTERNAL, "masking failed: " + e.getClass().getName() + with, len,
                    b, off, len);
            return null;
        }
    }

    private void refuse(Quarantine q, String source, long n, RecordException.Reason reason, String message, long bytes,
                        byte[] rec, int off, int len) throws IOException {
        stats.refuse(reason);
        MaskCommand.report(err, stats, source + ": record " + n + ": quarantined: " + message);
        if (q.enabled()) {
            q.write(q.entry(source, n, reason.name(), message, bytes, rec, off, len));
        }
    }

    private void counts() {
        for (DataClass cls : plan.policy().classTable().classes()) {
            stats.perClass.putIfAbsent(cls.name(), 0L);
        }
    }

    private static void writeVarint(OutputStream o, int v) throws IOException {
        while ((v & ~0x7f) != 0) {
            o.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        o.write(v);
    }
}
