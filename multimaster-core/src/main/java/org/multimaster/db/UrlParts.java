package org.multimaster.db;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database URL split into its parts, well-formed or not: the one place that knows where a
 * password sits in each form of URL. {@link DatabaseUrl} builds on it, and so does every redaction:
 * what is hidden is what the parse found to be a password, never what a pattern guessed.
 *
 * <p>The forms: {@code scheme[+driver]://[user[:password]@]hosts[/database][?query]} (Buildbot's
 * {@code db_url}, libpq's URIs), {@code jdbc:postgresql://…} and {@code jdbc:mariadb:[mode:]//…} of
 * the same shape, where {@code hosts} is {@code host[:port]} or {@code [v6]:port} entries separated by
 * commas or MariaDB's {@code address=(host=…)(port=…)} groups. A password is the text between the
 * first {@code :} of the user information and the {@code @} that ends it, a {@code password=} query
 * parameter (any case), or a {@code (password=…)} group.
 *
 * <p>A password may hold raw {@code /}, {@code ?}, {@code #} or {@code @}, so the user information
 * ends at the last {@code @} (outside parentheses) after which a valid host list follows. When a URL can be read with or
 * without user information, the reading that hides more wins: a password is never shown.
 *
 * <p>Immutable and thread-safe.
 */
final class UrlParts {

    /** The forms of URL told apart by their prefix. */
    enum Form {
        JDBC_SQLITE,
        JDBC_POSTGRESQL,
        JDBC_MARIADB,
        /** A JDBC URL of another driver, whose syntax is not known. */
        JDBC_OTHER,
        /** {@code scheme://…}: Buildbot's {@code db_url}. */
        SCHEME,
        /** Not a URL at all. */
        NONE
    }

    /** A span of the original URL. */
    record Span(int start, int end) {
        String of(String s) {
            return s.substring(start, end);
        }
    }

    /** A query parameter: its name as written and where its value is. */
    record Parameter(String name, Span whole, Span value) {}

    private static final Pattern SCHEME_PREFIX =
            Pattern.compile("([A-Za-z][A-Za-z0-9]*)(\\+[A-Za-z0-9_]+)?:(/{1,2})", Pattern.DOTALL);
    /** The longest scheme looked for inside text that is not a URL, e.g. {@code postgresql+psycopg2}. */
    private static final int LONGEST_SCHEME = 64;

    private static final Pattern MARIADB_MODE = Pattern.compile("[A-Za-z]+:(?=//)");

    private static final String ENTRY =
            "(?:address=(?:\\([^()]*\\))+" + "|\\[[^\\]/?@]*\\](?::[0-9]*)?" + "|[A-Za-z0-9._~%-]*(?::[0-9]*)?)";
    /** What follows the user information: a host list (possibly empty), then a path or a query. */
    private static final Pattern HOST_PART = Pattern.compile(ENTRY + "(?:," + ENTRY + ")*(?:[/?].*)?", Pattern.DOTALL);

    private static final Pattern ADDRESS_PASSWORD = Pattern.compile("\\((?i:password)=([^)]*)\\)");

    private final String url;
    private final Form form;
    private final String scheme;
    private final boolean wellFormedPrefix;
    private final int userStart;
    private final int userInfoEnd;
    private final int hostStart;
    private final int hostEnd;
    private final int queryStart;
    private final List<Parameter> parameters;
    private final List<Span> secrets;

    private UrlParts(
            String url,
            Form form,
            String scheme,
            boolean wellFormedPrefix,
            int authorityStart,
            int queryStartWithoutAuthority) {
        this.url = url;
        this.form = form;
        this.scheme = scheme;
        this.wellFormedPrefix = wellFormedPrefix;
        List<Span> hidden = new ArrayList<>();
        if (authorityStart >= 0) {
            boolean groups = form == Form.JDBC_MARIADB;
            int at = userInfoEnd(url, authorityStart, groups);
            this.userStart = authorityStart;
            this.userInfoEnd = at;
            this.hostStart = at < 0 ? authorityStart : at + 1;
            this.hostEnd = hostEnd(url, hostStart, groups);
            this.queryStart = url.indexOf('?', hostEnd);
            if (at >= 0) {
                int colon = url.indexOf(':', authorityStart);
                if (colon >= 0 && colon < at) {
                    hidden.add(new Span(colon + 1, at));
                }
            }
            Matcher address = ADDRESS_PASSWORD.matcher(url).region(hostStart, hostEnd);
            while (address.find()) {
                hidden.add(new Span(address.start(1), address.end(1)));
            }
        } else {
            this.userStart = -1;
            this.userInfoEnd = -1;
            this.hostStart = -1;
            this.hostEnd = -1;
            this.queryStart = queryStartWithoutAuthority;
        }
        this.parameters = parameters(url, queryStart);
        for (Parameter parameter : parameters) {
            if (parameter.name().equalsIgnoreCase("password")) {
                hidden.add(parameter.value());
            }
        }
        if (form == Form.JDBC_OTHER) {
            // Another driver's syntax: everything after its sub-protocol may be a credential.
            int sub = url.indexOf(':', "jdbc:".length());
            hidden.clear();
            hidden.add(new Span(sub < 0 ? url.length() : sub + 1, url.length()));
        }
        hidden.sort(Comparator.comparingInt(Span::start));
        this.secrets = List.copyOf(hidden);
    }

    /** Splits {@code url} (already stripped of surrounding blanks). */
    static UrlParts of(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:")) {
            int sub = url.indexOf(':', "jdbc:".length());
            String protocol = sub < 0 ? "" : lower.substring("jdbc:".length(), sub);
            Form form = switch (protocol) {
                case "sqlite" -> Form.JDBC_SQLITE;
                case "postgresql" -> Form.JDBC_POSTGRESQL;
                case "mariadb", "mysql" -> Form.JDBC_MARIADB;
                default -> Form.JDBC_OTHER;
            };
            int rest = sub + 1;
            if (form == Form.JDBC_MARIADB) {
                Matcher mode = MARIADB_MODE.matcher(url).region(rest, url.length());
                if (mode.lookingAt()) {
                    rest = mode.end();
                }
            }
            if (form == Form.JDBC_OTHER || form == Form.JDBC_SQLITE || !url.startsWith("//", rest)) {
                return new UrlParts(url, form, protocol, true, -1, form == Form.JDBC_OTHER ? -1 : url.indexOf('?'));
            }
            return new UrlParts(url, form, protocol, true, rest + 2, -1);
        }
        Matcher m = SCHEME_PREFIX.matcher(url);
        if (m.lookingAt()) {
            // Also "scheme:/user:pass@host", malformed but still to be hidden.
            return new UrlParts(
                    url,
                    Form.SCHEME,
                    m.group(1).toLowerCase(Locale.ROOT),
                    m.group(3).equals("//"),
                    m.end(),
                    -1);
        }
        return notAUrl(url, lower);
    }

    /**
     * Text that is not a URL may still hold one, in quotes (an environment file's) or after other
     * text ({@code DB=postgresql://…}): its passwords are hidden as that URL's (in quotes, as those of
     * the text between them). Otherwise the text is read as what follows a scheme ({@code
     * user:password@host/db?password=…}), so that what would be a password there is hidden too.
     */
    private static UrlParts notAUrl(String url, String lower) {
        int inner = 0;
        int innerEnd = url.length();
        while (innerEnd - inner > 1
                && (url.charAt(inner) == '"' || url.charAt(inner) == '\'')
                && url.charAt(innerEnd - 1) == url.charAt(inner)) {
            inner++;
            innerEnd--;
        }
        if (inner == 0) {
            int scheme = schemeInside(url);
            int jdbc = lower.indexOf("jdbc:", 1);
            inner = jdbc > 0 && (scheme < 0 || jdbc < scheme) ? jdbc : scheme;
        }
        List<Span> secrets = new ArrayList<>();
        if (inner > 0) {
            for (Span secret : of(url.substring(inner, innerEnd)).secrets) {
                secrets.add(new Span(inner + secret.start(), inner + secret.end()));
            }
        } else {
            secrets.addAll(new UrlParts(url, Form.NONE, "", false, 0, -1).secrets);
        }
        return new UrlParts(url, secrets);
    }

    /**
     * Where the first {@code scheme:/} inside {@code url} (not at its start) begins, or -1: found
     * from each {@code :/} back over at most {@link #LONGEST_SCHEME} characters, so that the search
     * is linear in the text, however long (a regular expression's search from every position is
     * quadratic in a long run of letters).
     */
    private static int schemeInside(String url) {
        Matcher prefix = SCHEME_PREFIX.matcher(url);
        for (int colon = url.indexOf(":/", 1); colon > 0; colon = url.indexOf(":/", colon + 1)) {
            int start = colon;
            while (start > Math.max(1, colon - LONGEST_SCHEME) && isSchemeChar(url.charAt(start - 1))) {
                start--;
            }
            for (; start < colon; start++) {
                if (prefix.region(start, url.length()).lookingAt()) {
                    return start;
                }
            }
        }
        return -1;
    }

    private static boolean isSchemeChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '_';
    }

    /** Text that is not a URL, with the spans of it that are hidden. */
    private UrlParts(String url, List<Span> secrets) {
        this.url = url;
        this.form = Form.NONE;
        this.scheme = "";
        this.wellFormedPrefix = false;
        this.userStart = -1;
        this.userInfoEnd = -1;
        this.hostStart = -1;
        this.hostEnd = -1;
        this.queryStart = -1;
        this.parameters = List.of();
        this.secrets = List.copyOf(secrets);
    }

    /** The URL with every password replaced by {@code ***}. */
    String redacted() {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (Span secret : secrets) {
            if (secret.start() < from) {
                continue;
            }
            out.append(url, from, secret.start()).append("***");
            from = secret.end();
        }
        return out.append(url.substring(from)).toString();
    }

    /** The passwords as written in the URL (not decoded). */
    List<String> secretsAsWritten() {
        return secrets.stream().map(s -> s.of(url)).filter(s -> !s.isEmpty()).toList();
    }

    Form form() {
        return form;
    }

    /** The scheme of a {@code scheme://} URL, or the JDBC sub-protocol, in lower case. */
    String scheme() {
        return scheme;
    }

    /** Whether the scheme is followed by exactly two slashes. */
    boolean wellFormedPrefix() {
        return wellFormedPrefix;
    }

    /** Everything before the authority, e.g. {@code postgresql+psycopg2://}; empty without one. */
    String prefix() {
        return userStart < 0 ? "" : url.substring(0, userStart);
    }

    /** Whether the URL has an authority ({@code //…}). */
    boolean hasAuthority() {
        return userStart >= 0;
    }

    /** The user name as written, if the URL has user information. */
    String userAsWritten() {
        if (userInfoEnd < 0) {
            return "";
        }
        int colon = url.indexOf(':', userStart);
        return url.substring(userStart, colon >= 0 && colon < userInfoEnd ? colon : userInfoEnd);
    }

    /** Whether the user information has a password (a colon). */
    boolean hasUserInfoPassword() {
        int colon = url.indexOf(':', Math.max(userStart, 0));
        return userInfoEnd >= 0 && colon >= 0 && colon < userInfoEnd;
    }

    /** The password of the user information as written. */
    String userInfoPasswordAsWritten() {
        return hasUserInfoPassword() ? url.substring(url.indexOf(':', userStart) + 1, userInfoEnd) : "";
    }

    /** Whether the URL has user information ({@code …@}). */
    boolean hasUserInfo() {
        return userInfoEnd >= 0;
    }

    /** The host list as written (empty if none), e.g. {@code h1:5432,h2}. */
    String hosts() {
        return hostStart < 0 ? "" : url.substring(hostStart, hostEnd);
    }

    /** What follows the host list up to the query, e.g. {@code /buildbot}; empty if nothing. */
    String path() {
        if (hostEnd < 0) {
            return "";
        }
        return url.substring(hostEnd, queryStart < 0 ? url.length() : queryStart);
    }

    /** Everything up to the start of the authority or, without one, up to the query. */
    String beforeQuery() {
        return queryStart < 0 ? url : url.substring(0, queryStart);
    }

    /** The query parameters, in order. */
    List<Parameter> parameters() {
        return parameters;
    }

    /** The text of a parameter's whole {@code name=value}. */
    String text(Span span) {
        return span.of(url);
    }

    /**
     * Percent-decodes as Python's {@code urllib.parse.unquote} does, which SQLAlchemy applies to
     * user names and passwords: a {@code %} not followed by two hex digits is kept as it is, and
     * {@code +} is a plus sign.
     */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 3;
            } else {
                int codePoint = s.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /**
     * The index of the {@code @} that ends the user information, or -1 if there is none: the last
     * {@code @} after which a valid host list follows and before which the user name holds no slash;
     * else none, if the whole authority is a valid host list; else (a malformed URL) the last
     * {@code @} before which the user name holds no slash, so that its password is still hidden.
     */
    private static int userInfoEnd(String url, int authorityStart, boolean groups) {
        int fallback = -1;
        int colon = url.indexOf(':', authorityStart);
        int slash = url.indexOf('/', authorityStart);
        Matcher hostPart = HOST_PART.matcher(url);
        int next = -1; // the @ after this one, if any
        for (int at = url.lastIndexOf('@'); at >= authorityStart; next = at, at = url.lastIndexOf('@', at - 1)) {
            int userEnd = colon >= 0 && colon < at ? colon : at;
            if (slash >= 0 && slash < userEnd) {
                continue;
            }
            if (fallback < 0) {
                fallback = at;
            }
            if (groups && insideParentheses(url, authorityStart, at)) {
                continue;
            }
            // A host list holds no @ but in an address=(…) group: one that would reach the next @
            // cannot match, and is not tried, which keeps text of many @ linear.
            if (!groups && next >= 0 && !endsOrGroupsBetween(url, at + 1, next)) {
                continue;
            }
            if (hostPart.region(at + 1, url.length()).matches()) {
                return at;
            }
        }
        if (HOST_PART.matcher(url).region(authorityStart, url.length()).matches()) {
            return -1;
        }
        return fallback;
    }

    /**
     * Whether {@code url} holds, from {@code from} to before {@code to}, a {@code /} or {@code ?}
     * (which ends a host list) or a {@code (} (which opens a group that may hold anything).
     */
    private static boolean endsOrGroupsBetween(String url, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = url.charAt(i);
            if (c == '/' || c == '?' || c == '(') {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code index} is inside a MariaDB {@code (key=value)} group, whose value is the group's. */
    private static boolean insideParentheses(String url, int from, int index) {
        int depth = 0;
        for (int i = from; i < index; i++) {
            char c = url.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            }
        }
        return depth > 0;
    }

    /** Where the host list ends: at the first {@code /} or {@code ?} (outside MariaDB's groups). */
    private static int hostEnd(String url, int from, boolean groups) {
        int depth = 0;
        for (int i = from; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '(' && groups) {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && (c == '/' || c == '?')) {
                return i;
            }
        }
        return url.length();
    }

    private static List<Parameter> parameters(String url, int queryStart) {
        List<Parameter> parameters = new ArrayList<>();
        if (queryStart < 0) {
            return parameters;
        }
        int start = queryStart + 1;
        while (start <= url.length()) {
            int end = url.indexOf('&', start);
            if (end < 0) {
                end = url.length();
            }
            if (end > start) {
                int equals = url.indexOf('=', start);
                int valueStart = equals < 0 || equals > end ? end : equals + 1;
                String name = url.substring(start, equals < 0 || equals > end ? end : equals);
                parameters.add(new Parameter(name, new Span(start, end), new Span(valueStart, end)));
            }
            start = end + 1;
        }
        return parameters;
    }
}
