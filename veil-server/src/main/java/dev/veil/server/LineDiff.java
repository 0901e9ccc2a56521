package dev.veil.server;

import java.util.ArrayList;
import java.util.List;

/** A line diff of two texts (longest common subsequence), for showing a candidate policy against the active one. */
final class LineDiff {
    /** Longer texts are refused: the table is lines × lines. */
    static final int MAX_LINES = 4000;

    /** One line of the diff: {@code op} is " " (both), "-" (only the old text) or "+" (only the new one). */
    record Line(String op, String text) {
    }

    private LineDiff() {
    }

    static List<Line> diff(List<String> a, List<String> b) {
        if (a.size() > MAX_LINES || b.size() > MAX_LINES) {
            throw new IllegalArgumentException("texts longer than " + MAX_LINES + " lines are not diffed");
        }
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Line> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (a.get(i).equals(b.get(j))) {
                out.add(new Line(" ", a.get(i++)));
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.add(new Line("-", a.get(i++)));
            } else {
                out.add(new Line("+", b.get(j++)));
            }
        }
        while (i < n) {
            out.add(new Line("-", a.get(i++)));
        }
        while (j < m) {
            out.add(new Line("+", b.get(j++)));
        }
        return out;
    }
}
