package org.multimaster.cli;

/** Human-readable output helpers. */
final class Text {

    private Text() {}

    /**
     * Escapes control characters as {@code \}{@code uXXXX}, so that a master name containing a
     * newline or a terminal escape cannot forge table rows or move the cursor.
     */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
