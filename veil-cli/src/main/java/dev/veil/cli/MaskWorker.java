package dev.veil.cli;

import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.RecordMasker;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;
import dev.veil.core.governance.Governance;
import dev.veil.core.governance.GovernedMasker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The masking work of one pipeline thread: its own masker; refused records become quarantine entries. */
final class MaskWorker implements Pipeline.Worker {
    private final Plan plan;
    private final Quarantine quarantine;
    private final int maxRecordBytes;
    /** JSON lines: the masker with grants and consent; null for the line formats ({@link #lines}). */
    private final GovernedMasker m;
    private final Governance governance;
    private final boolean audit;
    /** The codec of a line format other than JSON (CSV, text); null for JSON lines. */
    private final RecordMasker lines;
    /** Whether line 1 of every source is a CSV header, written once by the command rather than masked. */
    private final boolean headerRows;
    private final long[] lineCounts;

    /**
     * @param lines      the codec of a line format other than JSON (CSV, text); null for JSON lines
     * @param headerRows whether line 1 of every file is a CSV header the command has read
     */
    MaskWorker(Plan plan, Quarantine quarantine, int maxRecordBytes, Governance governance, String stream, boolean audit,
               Map<Undeclared, String> undeclared, RecordMasker lines, boolean headerRows) {
        this.plan = plan;
        this.quarantine = quarantine;
        this.maxRecordBytes = maxRecordBytes;
        this.governance = governance;
        this.audit = audit;
        this.lines = lines;
        this.headerRows = headerRows;
        JsonMasker.Drift drift = (path, cls, byName) -> undeclared.putIfAbsent(new Undeclared(path, cls.name()),
                byName ? "name" : "content");
        if (lines != null) {
            this.m = null;
            this.lineCounts = new long[plan.policy().classTable().size()];
            lines.onDrift(drift);
        } else {
            this.m = new GovernedMasker(plan, stream == null ? "" : stream);
            this.lineCounts = null;
            m.base().onDrift(drift);
        }
    }

    /** A field no rule names where a class was found, for the run's summary and audit. */
    record Undeclared(String path, String dataClass) implements Comparable<Undeclared> {
        @Override
        public int compareTo(Undeclared o) {
            int c = path.compareTo(o.path);
            return c != 0 ? c : dataClass.compareTo(o.dataClass);
        }

        @Override
        public String toString() {
            return path + " " + dataClass;
        }
    }

    /** Values found per class id by this worker. */
    long[] classCounts() {
        return lines != null ? lineCounts : m.base().classCounts();
    }

    @Override
    public void process(Chunk c) {
        int segs = plan.segments().size();
        if (c.views == null) {
            c.views = new Chunk.ByteSinkOut[segs];
            c.written = new long[segs];
            c.dropped = new long[segs];
            c.changed = new long[segs];
            for (int s = 0; s < segs; s++) {
                c.views[s] = new Chunk.ByteSinkOut();
            }
        }
        if (audit && c.classCounts == null) {
            c.classCounts = new long[plan.policy().classTable().size()];
        }
        long now = System.currentTimeMillis();
        for (int i = 0; i < c.count; i++) {
            switch (c.kinds[i]) {
                case Chunk.BLANK -> c.blank++;
                case Chunk.OVERSIZE -> {
                    c.oversize++;
                    refuse(c, c.lines[i], RecordException.Reason.TOO_LARGE, "record of " + c.lengths[i]
                            + " bytes is larger than the limit of " + maxRecordBytes, c.lengths[i], null, 0, 0);
                }
                default -> {
                    if (headerRows && c.lines[i] == 1 && !c.source.equals("stdin")) {
                        continue; // a file's header: the command read it and writes each segment's own (stdin's is read)
                    }
                    c.records++;
                    try {
                        Views v;
                        if (lines != null) {
                            v = lines.mask(c.data, c.starts[i], c.lengths[i]);
                            long[] rc = lines.recordClassCounts();
                            for (int k = 0; k < rc.length; k++) {
                                lineCounts[k] += rc[k];
                            }
                            if (audit) {
                                addCounts(c, rc);
                            }
                        } else {
                            v = m.mask(c.data, c.starts[i], c.lengths[i], null, governance, now);
                            if (audit) {
                                auditRecord(c, c.lines[i]);
                            }
                            for (dev.veil.core.codec.JsonMasker.Leak l : m.base().leaks()) {
                                noteLeak(c, c.lines[i], l);
                            }
                        }
                        for (int s = 0; s < segs; s++) {
                            if (v.dropped(s)) {
                                c.dropped[s]++;
                                continue;
                            }
                            c.views[s].write(v.array(s), v.offset(s), v.length(s));
                            c.written[s]++;
                            if (v.changed(s)) {
                                c.changed[s]++;
                            }
                        }
                    } catch (RecordException e) {
                        refuse(c, c.lines[i], e.reason(), e.getMessage(), c.lengths[i], c.data, c.starts[i], c.lengths[i]);
                    }
                }
            }
        }
    }

    /** Counts for the chunk's summary, and the record's own entries: consent suppression, grant uses. */
    private void auditRecord(Chunk c, long line) {
        addCounts(c, m.base().recordClassCounts());
        if (m.suppressed()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("source", c.source);
            f.put("line", line);
            f.put("action", plan.policy().consent().onOptOut() == dev.veil.core.policy.ConsentSpec.OnOptOut.DROP_RECORD
                    ? "drop-record" : "redact-all");
            f.put("segments", plan.segments());
            c.audit.add(new Object[] {"consent-suppressed", f});
        }
        List<GovernedMasker.Use> uses = m.uses();
        for (GovernedMasker.Use u : uses) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("grant", u.grantId());
            f.put("segment", u.segment());
            f.put("source", c.source);
            f.put("line", line);
            f.put("classes", u.classes());
            f.put("fields", u.fields());
            c.audit.add(new Object[] {"grant-used", f});
        }
    }

    private static void addCounts(Chunk c, long[] rc) {
        for (int k = 0; k < rc.length; k++) {
            c.classCounts[k] += rc[k];
        }
    }

    /** A leak the guard let through ({@code scan.leak_guard: alert}): on stderr and, with an audit log, as an alert. */
    private void noteLeak(Chunk c, long line, dev.veil.core.codec.JsonMasker.Leak l) {
        String msg = "leak guard: a value of class " + l.dataClass().name() + " appears unmasked in the view for segment '"
                + l.segment() + "' (forwarded: scan.leak_guard is alert)";
        c.notes.add(c.source + ":" + line + ": " + msg);
        if (audit) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("kind", "leak-guard");
            f.put("source", c.source);
            f.put("line", line);
            f.put("segment", l.segment());
            f.put("class", l.dataClass().name());
            c.audit.add(new Object[] {"alert", f});
        }
    }

    private void refuse(Chunk c, long line, RecordException.Reason reason, String message, long bytes, byte[] rec, int off,
                        int len) {
        c.reasons.add(reason.name());
        c.reports.add(c.source + ":" + line + ": quarantined: " + message);
        if (quarantine.enabled()) {
            String error = reason == RecordException.Reason.TOO_LARGE && rec == null ? "record larger than the limit" : message;
            c.quarantine.add(quarantine.entry(c.source, line, reason.name(), error, bytes, rec, off, len));
        }
        if (audit) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("source", c.source);
            f.put("line", line);
            f.put("reason", reason.name());
            c.audit.add(new Object[] {"quarantine", f});
        }
    }
}
