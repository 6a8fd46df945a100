package dev.stackwatch.provider.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Produces plausible English-like text one token at a time; the same random source gives the same text. */
final class TextGenerator {
    private static final String[] WORDS = ("the a model request token server latency metric stream cluster node pod "
            + "answer question system user response signal trace span log alert dashboard rate error budget "
            + "provider inference prompt output input window queue batch cache memory throughput percentile "
            + "is are was will can should may must could would has have had does do "
            + "quickly slowly carefully often rarely always never usually clearly simply "
            + "large small fast slow steady stable healthy ready busy idle warm cold new old "
            + "of to in for on with by from at about over under between through after before during "
            + "and but or so because while when if then than as "
            + "measure observe scale route serve count record report follow explain compare improve").split(" ");

    private TextGenerator() {
    }

    /** {@code count} tokens: words with leading spaces, commas and full stops, starting with a capital letter. */
    static List<String> tokens(RandomGenerator random, int count) {
        List<String> tokens = new ArrayList<>(count);
        boolean sentenceStart = true;
        int sentenceLength = 0;
        while (tokens.size() < count) {
            int remaining = count - tokens.size();
            if (sentenceLength >= 4 && (remaining == 1 || random.nextInt(10) == 0)) {
                tokens.add(".");
                sentenceStart = true;
                sentenceLength = 0;
                continue;
            }
            if (sentenceLength >= 3 && remaining > 2 && random.nextInt(14) == 0) {
                tokens.add(",");
                continue;
            }
            String word = WORDS[random.nextInt(WORDS.length)];
            if (sentenceStart) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            tokens.add(tokens.isEmpty() ? word : " " + word);
            sentenceStart = false;
            sentenceLength++;
        }
        return tokens;
    }
}
