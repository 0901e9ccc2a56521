package dev.veil.core.detect;

import dev.veil.core.policy.ClassSpec;
import dev.veil.core.policy.Policy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The detectors a policy runs over string values and text lines, compiled once. {@link #scan} returns
 * non-overlapping findings at or above the policy's {@code scan.min_score}, ordered by start.
 *
 * <p>This is the classifier hook the content-detection engine plugs into: the JSON codec and text masking
 * only call {@link #scan}.
 */
public final class DetectorSet {
    private static final Comparator<Finding> BY_START = Comparator.comparingInt(Finding::start)
            .thenComparing(Comparator.comparingInt(Finding::end).reversed());

    /** Findings this sure passed a checksum or a strict format (cards, IBANs, e-mails); they keep their class. */
    private static final double VALIDATED = 0.9;

    private final List<Detector> detectors;
    private final double minScore;
    /** Per class id: its own minimum score, or NaN for {@link #minScore}. */
    private final double[] classMin;

    public DetectorSet(List<Detector> detectors, double minScore) {
        this(detectors, minScore, new double[0]);
    }

    private DetectorSet(List<Detector> detectors, double minScore, double[] classMin) {
        this.detectors = List.copyOf(detectors);
        this.minScore = minScore;
        this.classMin = classMin;
    }

    private double min(Finding f) {
        int id = f.dataClass().id();
        return id >= 0 && id < classMin.length && !Double.isNaN(classMin[id]) ? classMin[id] : minScore;
    }

    /** The built-in detectors plus one per class the policy defines. */
    public static DetectorSet forPolicy(Policy policy) {
        List<Detector> ds = new ArrayList<>();
        ds.add(new BuiltinDetector(policy.scan().regions()));
        ds.add(new AddressDetector());
        ds.add(new PersonNameDetector());
        ds.add(new TableDetector());
        for (ClassSpec c : policy.classes().values()) {
            ds.add(new PatternDetector(policy.classTable().get(c.name()), c));
        }
        double[] classMin = new double[policy.classTable().size()];
        java.util.Arrays.fill(classMin, Double.NaN);
        policy.scan().thresholds().forEach((c, t) -> classMin[c.id()] = t);
        return new DetectorSet(ds, policy.scan().minScore(), classMin);
    }

    /** Only the built-in detectors, with the given threshold. */
    public static DetectorSet builtIn(double minScore) {
        return new DetectorSet(List.of(new BuiltinDetector(List.of("US")), new AddressDetector(),
                new PersonNameDetector(), new TableDetector()), minScore);
    }

    /** Findings in {@code text}: above the threshold, non-overlapping (overlaps merge into one span of the
     * stronger finding's class). */
    public List<Finding> scan(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<Finding> raw = new ArrayList<>(4);
        for (Detector d : detectors) {
            d.detect(text, raw);
        }
        if (raw.isEmpty()) {
            return List.of();
        }
        raw.removeIf(f -> f.score() < min(f) || f.end() > text.length());
        if (raw.size() <= 1) {
            return raw;
        }
        raw.sort(BY_START);
        List<Finding> kept = new ArrayList<>(raw.size());
        for (Finding f : raw) {
            if (kept.isEmpty()) {
                kept.add(f);
                continue;
            }
            Finding last = kept.get(kept.size() - 1);
            if (f.start() >= last.end()) {
                kept.add(f);
            } else {
                // Overlap: cover both spans, so no part of either is left readable. A span that holds the other
                // whole names the class ("12 rue Victor Hugo" is an address, though "Victor Hugo" looks like a
                // person); otherwise the stronger finding does. Sorted by start, then longest first, only the
                // earlier span can hold the later one.
                boolean holds = last.end() >= f.end() && last.length() > f.length() && f.score() < VALIDATED;
                Finding win = holds || f.score() < last.score()
                        || (f.score() == last.score() && f.length() <= last.length()) ? last : f;
                kept.set(kept.size() - 1, new Finding(win.dataClass(), last.start(), Math.max(last.end(), f.end()),
                        win.score(), win.detector()));
            }
        }
        return kept;
    }
}
