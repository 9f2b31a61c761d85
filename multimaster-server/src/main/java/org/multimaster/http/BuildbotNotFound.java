package org.multimaster.http;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.multimaster.db.ResultSpec;

/**
 * The text Buildbot 3.7 answers with a 404 for a single item that does not exist, rebuilt exactly:
 * it names the endpoint's path patterns and shows the parsed query and the path's ids as Python
 * prints them ({@code repr}), e.g.
 *
 * <pre>
 * not found while getting from endpoint for /masters/n:masterid,/builders/n:builderid/masters/n:masterid
 * with arguments ResultSpec(**{'filters': [], 'fields': None, 'properties': [], 'order': None,
 * 'limit': None, 'offset': None}) and {'masterid': 99}
 * </pre>
 *
 * (on one line). Limits beyond the range of a {@code long} print clamped.
 */
final class BuildbotNotFound {

    /** The path patterns of Buildbot's single-item endpoints, as its {@code repr} joins them. */
    static final String MASTER = "/masters/n:masterid,/builders/n:builderid/masters/n:masterid";

    static final String SCHEDULER = "/schedulers/n:schedulerid,/masters/n:masterid/schedulers/n:schedulerid";

    static final String CHANGESOURCE =
            "/changesources/n:changesourceid,/masters/n:masterid/changesources/n:changesourceid";

    private BuildbotNotFound() {}

    /**
     * @param endpoint one of the pattern constants
     * @param spec the query as parsed for a single item
     * @param query the raw query (to tell an absent offset from {@code offset=0}, and for properties)
     * @param ids the path's ids in path order, e.g. {@code masterid=7, schedulerid=1}
     */
    static String text(String endpoint, ResultSpec spec, Map<String, List<String>> query, Map<String, Long> ids) {
        String fields = spec.fields().isEmpty()
                ? "None"
                : spec.fields().stream().map(BuildbotNotFound::repr).collect(Collectors.joining(", ", "[", "]"));
        String order;
        if (spec.order().isEmpty()) {
            order = "None";
        } else {
            List<String> keys =
                    spec.order().stream().map(o -> repr(o.toString())).toList();
            order = "(" + String.join(", ", keys) + (keys.size() == 1 ? ",)" : ")");
        }
        List<String> properties = query.getOrDefault("property", List.of());
        String propertiesRepr = properties.isEmpty()
                ? "[]"
                : "[resultspec.Property('b'property'','eq',"
                        + properties.stream().map(BuildbotNotFound::repr).collect(Collectors.joining(", ", "[", "]"))
                        + ")]";
        String limit = spec.limit() == null ? "None" : String.valueOf(spec.limit());
        String offset = query.containsKey("offset") ? String.valueOf(spec.offset()) : "None";
        String kwargs = ids.entrySet().stream()
                .map(e -> repr(e.getKey()) + ": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
        return "not found while getting from endpoint for " + endpoint + " with arguments ResultSpec(**{'filters': [],"
                + " 'fields': " + fields + ", 'properties': " + propertiesRepr + ", 'order': " + order + ", 'limit': "
                + limit + ", 'offset': " + offset + "}) and " + kwargs;
    }

    /** Python's {@code repr} of a string. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(c -> {
            if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c >= 0x20 && c < 0x7f) {
                out.appendCodePoint(c);
            } else if (c > 0x7f && printable(c)) {
                out.appendCodePoint(c);
            } else if (c <= 0xff) {
                out.append(String.format("\\x%02x", c));
            } else if (c <= 0xffff) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append(String.format("\\U%08x", c));
            }
        });
        return out.append(quote).toString();
    }

    /** Python's {@code str.isprintable()} for one character beyond ASCII. */
    private static boolean printable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.SURROGATE,
                    Character.PRIVATE_USE,
                    Character.UNASSIGNED,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
