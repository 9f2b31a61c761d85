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

    /** Prints rows as columns two spaces apart, the first row a header; widths count code points. */
    static void printTable(java.io.PrintWriter out, java.util.List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].codePointCount(0, row[i].length()) + 2));
                }
            }
            out.println(line);
        }
    }
}
