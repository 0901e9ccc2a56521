package dev.veil.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link WordSet} answers exactly as a {@code Set<String>} asked with {@code toLowerCase(Locale.ROOT)}. */
class WordSetTest {
    private static final List<String> WORDS = List.of("müller", "straße", "østergaard", "σοφία", "ιωάννης", "dağ",
            "i̇stanbul", "żółć", "nguyễn", "rue", "st", "apt", "o'brien", "al-rashid", "李", "😀x", "x", "");
    private static final Set<String> REFERENCE = Set.copyOf(WORDS);
    private static final WordSet SET = WordSet.of(WORDS);

    @Provide
    Arbitrary<String> texts() {
        // the set's words in random case, with the characters whose lower case is special mixed in
        Arbitrary<String> word = Arbitraries.of(WORDS).map(w -> w.toUpperCase(Locale.ROOT));
        Arbitrary<String> noise = Arbitraries.strings().withChars("aAßSσΣςİIıi̇😀ØøZ' -").ofMaxLength(8);
        return Arbitraries.oneOf(word, noise, Arbitraries.of(WORDS), Arbitraries.strings().ofMaxLength(6))
                .list().ofMaxSize(4).map(l -> String.join(" ", l));
    }

    @Property(tries = 5000)
    void everyRangeAnswersAsTheLowerCasedSubstring(@ForAll("texts") String t) {
        for (int from = 0; from <= t.length(); from++) {
            for (int to = from; to <= t.length(); to++) {
                String lower = t.substring(from, to).toLowerCase(Locale.ROOT);
                assertThat(SET.contains(t, from, to)).as("[%d, %d) of %s", from, to, t)
                        .isEqualTo(REFERENCE.contains(lower));
            }
        }
    }

    @Test
    void findsWordsWrittenInAnyCase() {
        assertThat(SET.contains("Rue de la Paix", 0, 3)).isTrue();
        assertThat(SET.contains("MÜLLER", 0, 6)).isTrue();
        assertThat(SET.contains("ΣΟΦΊΑ", 0, 5)).isTrue();
        assertThat(SET.contains("İstanbul", 0, 8)).isTrue(); // İ lowers to i + combining dot
        assertThat(SET.contains("Ruel", 0, 4)).isFalse();
        assertThat(SET.contains("straße")).isTrue();
        assertThat(SET.contains("Straße")).isFalse(); // the String form takes lower case as given
    }
}
