package dev.veil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.core.detect.DetectorSet;
import dev.veil.core.detect.Finding;
import dev.veil.core.policy.DataClass;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores content detection on a labeled corpus ({@code veil-bench/accuracy/gen_accuracy_corpus.py}): per class
 * precision, recall and F1 (a finding counts when it overlaps a labeled span of the same class), their micro
 * average, the share of PII characters left unflagged, and the share of flagged characters that are not PII.
 *
 * <p>{@code java -cp veil-bench/target/benchmarks.jar dev.veil.bench.Accuracy CORPUS.jsonl [MIN_SCORE]}
 */
public final class Accuracy {
    private Accuracy() {
    }

    /** Counts for one class. */
    static final class Tally {
        long gold;
        long goldFound;
        long predicted;
        long predictedRight;
        /** Characters of this class's labeled spans that no finding covers. */
        long leftChars;

        double precision() {
            return predicted == 0 ? 1.0 : (double) predictedRight / predicted;
        }

        double recall() {
            return gold == 0 ? 1.0 : (double) goldFound / gold;
        }

        double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    record Span(String type, int start, int end) {
        boolean overlaps(int s, int e) {
            return start < e && s < end;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Accuracy CORPUS.jsonl [MIN_SCORE]");
            System.exit(2);
        }
        double minScore = args.length > 1 ? Double.parseDouble(args[1]) : 0.5;
        DetectorSet detectors = DetectorSet.builtIn(minScore);
        ObjectMapper json = new ObjectMapper();
        Map<String, Tally> tallies = new TreeMap<>();
        for (DataClass c : DataClass.BUILT_IN) {
            tallies.put(c.name(), new Tally());
        }
        long goldChars = 0;
        long leaked = 0;
        long flaggedChars = 0;
        long overflagged = 0;
        long lines = 0;
        long nanos = 0;
        try (BufferedReader r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                JsonNode rec = json.readTree(line);
                String text = rec.get("text").asText();
                List<Span> gold = new ArrayList<>();
                for (JsonNode s : rec.get("spans")) {
                    gold.add(new Span(s.get("type").asText(), s.get("start").asInt(), s.get("end").asInt()));
                }
                long t0 = System.nanoTime();
                List<Finding> found = detectors.scan(text);
                nanos += System.nanoTime() - t0;
                BitSet g = new BitSet(text.length());
                BitSet f = new BitSet(text.length());
                for (Finding x : found) {
                    Tally t = tallies.computeIfAbsent(x.dataClass().name(), k -> new Tally());
                    t.predicted++;
                    f.set(x.start(), x.end());
                    for (Span s : gold) {
                        if (x.dataClass().name().equals(s.type()) && s.overlaps(x.start(), x.end())) {
                            t.predictedRight++;
                            break;
                        }
                    }
                }
                for (Span s : gold) {
                    Tally t = tallies.computeIfAbsent(s.type(), k -> new Tally());
                    t.gold++;
                    g.set(s.start(), s.end());
                    BitSet left = f.get(s.start(), s.end());
                    t.leftChars += (s.end() - s.start()) - left.cardinality();
                    for (Finding x : found) {
                        if (x.dataClass().name().equals(s.type()) && s.overlaps(x.start(), x.end())) {
                            t.goldFound++;
                            break;
                        }
                    }
                }
                goldChars += g.cardinality();
                flaggedChars += f.cardinality();
                BitSet l = (BitSet) g.clone();
                l.andNot(f);
                leaked += l.cardinality();
                BitSet o = (BitSet) f.clone();
                o.andNot(g);
                overflagged += o.cardinality();
            }
        }
        Tally micro = new Tally();
        // "left": this class's unflagged characters as a share of all PII characters (the column sums to the total)
        System.out.printf(Locale.ROOT, "%-16s %7s %7s %9s %7s %7s %7s%n", "class", "gold", "found", "precision", "recall",
                "F1", "left");
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            micro.gold += t.gold;
            micro.goldFound += t.goldFound;
            micro.predicted += t.predicted;
            micro.predictedRight += t.predictedRight;
            System.out.printf(Locale.ROOT, "%-16s %7d %7d %9.3f %7.3f %7.3f %6.2f%%%n", e.getKey(), t.gold, t.predicted,
                    t.precision(), t.recall(), t.f1(), 100.0 * t.leftChars / Math.max(1, goldChars));
        }
        System.out.printf(Locale.ROOT, "%-16s %7d %7d %9.3f %7.3f %7.3f%n", "micro", micro.gold, micro.predicted,
                micro.precision(), micro.recall(), micro.f1());
        System.out.printf(Locale.ROOT, "PII characters left unflagged: %.2f%% of %d; flagged characters not PII: %.2f%% of %d%n",
                100.0 * leaked / Math.max(1, goldChars), goldChars, 100.0 * overflagged / Math.max(1, flaggedChars), flaggedChars);
        System.out.printf(Locale.ROOT, "%d lines, detection %.1f µs per line (one thread, includes warm-up)%n", lines,
                nanos / 1000.0 / Math.max(1, lines));
    }
}
