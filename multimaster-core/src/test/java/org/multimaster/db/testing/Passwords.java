package org.multimaster.db.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** Passwords for property tests: any characters, with URL delimiters and non-ASCII ones frequent. */
public final class Passwords {

    private Passwords() {}

    /** Non-blank passwords of 1 to 16 pieces: delimiters, ASCII, BMP and astral characters, controls. */
    public static Arbitrary<String> any() {
        Arbitrary<String> delimiters = Arbitraries.of(List.of(
                "#", "?", "/", "@", "%", ":", " ", "&", "=", "(", ")", "[", "]", ",", ";", "+", "'", "\"", "\\", "%41",
                "%zz", "***"));
        Arbitrary<String> ascii = Arbitraries.chars().range(' ', '~').map(String::valueOf);
        Arbitrary<String> unicode = Arbitraries.oneOf(
                        Arbitraries.chars().range('\u00a0', '\ud7ff'),
                        Arbitraries.chars().range('\ue000', '\ufffc'))
                .map(String::valueOf);
        Arbitrary<String> astral = Arbitraries.integers()
                .between(0x10000, 0x10ffff)
                .map(codePoint -> new String(Character.toChars(codePoint)));
        Arbitrary<String> control =
                Arbitraries.chars().range('\u0001', '\u001f').map(String::valueOf);
        return Arbitraries.frequencyOf(
                        Tuple.of(3, delimiters),
                        Tuple.of(4, ascii),
                        Tuple.of(2, unicode),
                        Tuple.of(1, astral),
                        Tuple.of(1, control))
                .list()
                .ofMinSize(1)
                .ofMaxSize(16)
                .map(pieces -> String.join("", pieces))
                .filter(p -> !p.isBlank());
    }

    /** The password percent-encoded for any part of a URL. */
    public static String encoded(String password) {
        return URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
