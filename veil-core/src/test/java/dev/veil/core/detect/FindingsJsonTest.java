package dev.veil.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.core.policy.DataClass;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FindingsJsonTest {
    @Property(tries = 5000)
    void scoreIsWrittenAsTheFormatterWritesIt(@ForAll @DoubleRange(min = 0, max = 1) double score) {
        assertThat(written(score)).isEqualTo(String.format(Locale.ROOT, "%.2f", score));
    }

    /** Ties are where rounding rules part: every third decimal of 0.xx5 and its binary neighbours. */
    @Property(tries = 1000)
    void tiesRoundAsTheFormatterRoundsThem(@ForAll @IntRange(min = 0, max = 199) int halfCents) {
        double tie = (halfCents * 2 + 1) / 200.0;
        for (double d : new double[] {tie, Math.nextDown(tie), Math.nextUp(tie)}) {
            assertThat(written(d)).as("%s", d).isEqualTo(String.format(Locale.ROOT, "%.2f", d));
        }
    }

    @Test
    void findingObjectCarriesPathTypeOffsetsAndScore() {
        StringBuilder sb = new StringBuilder();
        FindingsJson.append(sb, "$.user.\"note\"", new Finding(DataClass.EMAIL, 3, 20, 0.975, "builtin.email"));
        assertThat(sb.toString()).isEqualTo(
                "{\"path\":\"$.user.\\\"note\\\"\",\"type\":\"EMAIL\",\"start\":3,\"end\":20,\"score\":0.98}");
    }

    private static String written(double score) {
        StringBuilder sb = new StringBuilder();
        FindingsJson.score(sb, score);
        return sb.toString();
    }
}
