package dev.veil.cli;

import dev.veil.core.codec.RecordException;
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
    private final GovernedMasker m;
    private final Governance governance;
    private final boolean audit;
    /** The codec of a line format other than JSON (CSV, text); null for JSON lines. */
    private final dev.veil.core.codec.RecordMasker lines;
    /** Whether line 1 of every source is a CSV header, written once by the command rather than masked. */
    private final boolean headerRows;
    private final long[] lineCounts;

    MaskWorker(Plan plan, Quarantine quarantine, int maxRecordBytes, Governance governance, String stream, boolean audit,
               Map<String, String> undeclared) {
        this(plan, quarantine, maxRecordBytes, governance, stream, audit, undeclared, null, false);
    }

    MaskWorker(Plan plan, Quarantine quarantine, int maxRecordBytes, Governance governance, String stream, boolean audit,
               Map<String, String> undeclared, dev.veil.core.codec.RecordMasker lines, boolean headerRows) {
        this.lines = lines;
        this.headerRows = headerRows;
        this.lineCounts = new long[plan.policy().classTable().size()];
        this.plan = plan;
        this.quarantine = quarantine;
        this.maxRecordBytes = maxRecordBytes;
        this.governance = governance;
        this.audit = audit;
        this.m = new GovernedMasker(plan, stream == null ? "" : stream);
        m.base().onDrift((path, cls, byName) -> undeclared.putIfAbsent(path + " " + cls.name(), byName ? "name" : "content"));
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
                                if (audit) {
                                    if (c.classCounts == null) {
                                        c.classCounts = new long[rc.length];
                                    }
                                    c.classCounts[k] += rc[k];
                                }
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
        long[] rc = m.base().recordClassCounts();
        for (int k = 0; k < rc.length; k++) {
            c.classCounts[k] += rc[k];
        }
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
