package dev.veil.cli;

import dev.veil.core.codec.JsonMasker;
import dev.veil.core.codec.RecordException;
import dev.veil.core.codec.Views;
import dev.veil.core.engine.Plan;

/** The masking work of one pipeline thread: its own masker; refused records become quarantine entries. */
final class MaskWorker implements Pipeline.Worker {
    private final Plan plan;
    private final Quarantine quarantine;
    private final int maxRecordBytes;
    private final JsonMasker m;

    MaskWorker(Plan plan, Quarantine quarantine, int maxRecordBytes) {
        this.plan = plan;
        this.quarantine = quarantine;
        this.maxRecordBytes = maxRecordBytes;
        this.m = new JsonMasker(plan);
    }

    /** Values found per class id by this worker. */
    long[] classCounts() {
        return m.classCounts();
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
        for (int i = 0; i < c.count; i++) {
            switch (c.kinds[i]) {
                case Chunk.BLANK -> c.blank++;
                case Chunk.OVERSIZE -> {
                    c.oversize++;
                    refuse(c, c.lines[i], RecordException.Reason.TOO_LARGE, "record of " + c.lengths[i]
                            + " bytes is larger than the limit of " + maxRecordBytes, c.lengths[i], null, 0, 0);
                }
                default -> {
                    c.records++;
                    try {
                        Views v = m.mask(c.data, c.starts[i], c.lengths[i]);
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

    private void refuse(Chunk c, long line, RecordException.Reason reason, String message, long bytes, byte[] rec, int off,
                        int len) {
        c.reasons.add(reason.name());
        c.reports.add(c.source + ":" + line + ": quarantined: " + message);
        if (quarantine.enabled()) {
            String error = reason == RecordException.Reason.TOO_LARGE && rec == null ? "record larger than the limit" : message;
            c.quarantine.add(quarantine.entry(c.source, line, reason.name(), error, bytes, rec, off, len));
        }
    }
}
