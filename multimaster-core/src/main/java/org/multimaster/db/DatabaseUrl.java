package org.multimaster.db;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed database URL: either a JDBC URL ({@code jdbc:sqlite:…}, {@code jdbc:postgresql://…},
 * {@code jdbc:mariadb://…}, {@code jdbc:mysql://…}) or a Buildbot {@code db_url} as written in a
 * {@code master.cfg} ({@code sqlite:///state.sqlite}, {@code sqlite:////abs/path},
 * {@code postgresql://user:pass@host:port/db}, {@code mysql://user:pass@host/db}, each with an
 * optional {@code +driver} suffix on the scheme).
 *
 * <p>PostgreSQL URLs may name several hosts, for a primary with standbys: JDBC's
 * {@code jdbc:postgresql://h1:5432,h2:5433/db?targetServerType=primary}, or libpq's (as SQLAlchemy
 * takes it) {@code postgresql://user@/db?host=h1:5432&host=h2:5433&target_session_attrs=read-write},
 * whose {@code target_session_attrs} becomes the driver's {@code targetServerType}.
 *
 * <p>The credentials are taken out of the URL: {@link #jdbcUrl()} never contains a password, and
 * {@link #toString()} shows the URL as given with each password replaced by {@code ***}. What is
 * hidden is what the parse found to be a password (see {@link UrlParts}), so a password may hold any
 * character, raw or percent-encoded.
 *
 * <p>Immutable and thread-safe.
 */
public final class DatabaseUrl {

    /** Buildbot's default {@code db_url}. */
    public static final String DEFAULT = "sqlite:///state.sqlite";

    private static final String EXAMPLES = "use e.g. sqlite:///state.sqlite, postgresql://user:pass@host:5432/db,"
            + " mysql://user:pass@host/db or a jdbc:sqlite:, jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql: URL";

    /** Query parameters of Buildbot's MySQL URLs that only mean something to Buildbot or SQLAlchemy. */
    private static final Set<String> BUILDBOT_ONLY_PARAMETERS =
            Set.of("max_idle", "charset", "use_unicode", "storage_engine", "serialize_access");

    /**
     * Query parameters of SQLite URLs that SQLAlchemy hands to Python's sqlite3 and that mean nothing
     * to a JDBC connection (its {@code timeout} is read as the busy timeout).
     */
    private static final Set<String> PYSQLITE_ONLY_PARAMETERS =
            Set.of("check_same_thread", "cached_statements", "detect_types", "isolation_level");

    /** libpq's {@code target_session_attrs} values and the PostgreSQL driver's {@code targetServerType} for each. */
    private static final Map<String, String> TARGET_SERVER_TYPES = Map.of(
            "any", "any",
            "read-write", "primary",
            "primary", "primary",
            "read-only", "secondary",
            "standby", "secondary",
            "prefer-standby", "preferSecondary");

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._~%-]+");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+(%[A-Za-z0-9._~-]+)?\\]");
    private static final Pattern PORT = Pattern.compile("[0-9]+");
    private static final Pattern ADDRESS_GROUP = Pattern.compile("\\(([^=()]*)=([^()]*)\\)");

    private final DatabaseKind kind;
    private final String jdbcUrl;
    private final @Nullable String user;
    private final @Nullable String password;
    private final String redacted;
    /** Every form in which a password of this URL may appear in text, longest first. */
    private final List<String> secrets;

    private DatabaseUrl(
            DatabaseKind kind, String jdbcUrl, @Nullable String user, @Nullable String password, UrlParts parts) {
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.redacted = parts.redacted();
        Set<String> forms = new LinkedHashSet<>(parts.secretsAsWritten());
        if (password != null && !password.isEmpty()) {
            forms.add(password);
        }
        this.secrets = forms.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /**
     * Parses a JDBC URL or a Buildbot {@code db_url}; relative SQLite paths are resolved against
     * the working directory.
     *
     * @param url the URL
     * @return the parsed URL
     * @throws IllegalArgumentException if the URL is blank or malformed, or a port is out of range;
     *     the message shows the URL without its password
     * @throws UnsupportedDatabaseException if the URL names a database multimaster does not support
     */
    public static DatabaseUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        String trimmed = url.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("database URL is empty; " + EXAMPLES);
        }
        UrlParts parts = UrlParts.of(trimmed);
        String shown = parts.redacted();
        return switch (parts.form()) {
            case JDBC_SQLITE -> {
                requireFileDatabase(trimmed.substring("jdbc:sqlite:".length()), shown);
                yield new DatabaseUrl(DatabaseKind.SQLITE, trimmed, null, null, parts);
            }
            case JDBC_POSTGRESQL -> fromJdbc(DatabaseKind.POSTGRESQL, "jdbc:postgresql:", parts, shown);
            case JDBC_MARIADB -> fromJdbc(DatabaseKind.MYSQL, "jdbc:mariadb:", parts, shown);
            case JDBC_OTHER -> {
                // Only the sub-protocol: other drivers write credentials in forms not known here.
                int end = trimmed.indexOf(':', "jdbc:".length());
                String protocol = end < 0 ? "jdbc:" : trimmed.substring(0, end + 1);
                throw new UnsupportedDatabaseException("unsupported database URL '" + protocol + "...'"
                        + ": multimaster supports SQLite, PostgreSQL and MySQL/MariaDB; " + EXAMPLES);
            }
            case SCHEME -> {
                if (!parts.wellFormedPrefix()) {
                    throw new IllegalArgumentException("malformed database URL '" + shown + "'; " + EXAMPLES);
                }
                yield switch (parts.scheme()) {
                    case "sqlite" ->
                        fromBuildbotSqlite(trimmed.substring(parts.prefix().length()), parts, shown);
                    case "postgresql", "postgres" -> fromBuildbotServer(DatabaseKind.POSTGRESQL, parts, shown);
                    case "mysql", "mariadb" -> fromBuildbotServer(DatabaseKind.MYSQL, parts, shown);
                    default ->
                        throw new UnsupportedDatabaseException("unsupported database '" + parts.scheme()
                                + "' in URL '" + shown + "': multimaster supports SQLite, PostgreSQL and"
                                + " MySQL/MariaDB; " + EXAMPLES);
                };
            }
            case NONE ->
                throw new IllegalArgumentException("malformed database URL '" + shown + "'"
                        + (trimmed.startsWith("\"") || trimmed.startsWith("'") ? ": remove the quotes around it" : "")
                        + "; " + EXAMPLES);
        };
    }

    /**
     * Returns the text with the passwords it holds, read as a database URL, replaced by {@code ***}.
     * Text that is not a database URL may hold one, in quotes or after other text ({@code
     * DB=postgresql://…}), whose passwords are hidden; otherwise it is read as a URL without its
     * scheme, so that a password in {@code user:password@host} or {@code ?password=} is hidden too.
     * Safe to print or log.
     *
     * @param url any database URL, well-formed or not
     * @return the URL without its passwords
     */
    public static String redact(String url) {
        return UrlParts.of(url).redacted();
    }

    /**
     * Returns {@code text} (a driver's message, say) with every occurrence of this URL's password,
     * decoded or as written, replaced by {@code ***}. The text is read once from the start, the
     * longest form winning where several begin, so the stars put in are never taken for a password.
     *
     * @param text any text
     * @return the text without this URL's password
     */
    public String hidePasswordIn(String text) {
        if (secrets.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        while (at < text.length()) {
            String found = formAt(text, at);
            if (found == null) {
                out.append(text.charAt(at));
                at++;
            } else {
                out.append("***");
                at += found.length();
            }
        }
        return out.toString();
    }

    private @Nullable String formAt(String text, int at) {
        for (String secret : secrets) {
            if (text.startsWith(secret, at)) {
                return secret;
            }
        }
        return null;
    }

    /** The kind of database. */
    public DatabaseKind kind() {
        return kind;
    }

    /** The JDBC URL to connect with, without user name or password. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The database file of an SQLite URL, absolute; empty for a database server's URL. */
    public Optional<Path> sqliteFile() {
        if (kind != DatabaseKind.SQLITE) {
            return Optional.empty();
        }
        String target = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = target.indexOf('?');
        target = query < 0 ? target : target.substring(0, query);
        // As the driver reads it: only a lower-case "file:" starts a URI.
        if (target.startsWith("file:")) {
            target = target.substring("file:".length());
        }
        return Optional.of(Path.of(target).toAbsolutePath().normalize());
    }

    /** The user name taken out of the URL, if it had one. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The password taken out of the URL, if it had one; never print it. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The URL as given, with the password replaced by {@code ***}. */
    @Override
    public String toString() {
        return redacted;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseUrl that
                && kind == that.kind
                && jdbcUrl.equals(that.jdbcUrl)
                && Objects.equals(user, that.user)
                && Objects.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, jdbcUrl, user);
    }

    private static DatabaseUrl fromBuildbotSqlite(String rest, UrlParts parts, String shown) {
        // sqlite:///relative/path has rest "/relative/path"; sqlite:////abs/path has "//abs/path".
        int query = rest.indexOf('?');
        String pathPart = query < 0 ? rest : rest.substring(0, query);
        String busyTimeout = null;
        for (UrlParts.Parameter parameter : parts.parameters()) {
            if (parameter.name().equals("timeout")) {
                busyTimeout = sqliteBusyTimeout(UrlParts.decode(parts.text(parameter.value())), shown);
            } else if (!BUILDBOT_ONLY_PARAMETERS.contains(parameter.name())
                    && !PYSQLITE_ONLY_PARAMETERS.contains(parameter.name())) {
                throw new IllegalArgumentException("unknown parameter '" + parameter.name() + "' in SQLite URL '"
                        + shown + "'; SQLite URLs take a path and at most timeout=SECONDS, e.g."
                        + " sqlite:///state.sqlite?timeout=30");
            }
        }
        if (pathPart.isEmpty()) {
            // SQLAlchemy reads "sqlite://" as an in-memory database.
            requireFileDatabase("", shown);
        }
        if (!pathPart.startsWith("/")) {
            throw new IllegalArgumentException("malformed SQLite URL '" + shown
                    + "': a host is not allowed; use sqlite:///relative/path or sqlite:////absolute/path");
        }
        String path = UrlParts.decode(pathPart.substring(1));
        requireFileDatabase(path, shown);
        Path file = Path.of(path).toAbsolutePath().normalize();
        String jdbc = "jdbc:sqlite:" + file + (busyTimeout == null ? "" : "?busy_timeout=" + busyTimeout);
        return new DatabaseUrl(DatabaseKind.SQLITE, jdbc, null, null, parts);
    }

    /**
     * The busy timeout in milliseconds for a {@code timeout} in seconds, which Python's sqlite3 (and
     * so Buildbot) waits for another connection's lock, as SQLite's busy_timeout does.
     */
    private static String sqliteBusyTimeout(String seconds, String shown) {
        BigDecimal millis;
        try {
            millis = new BigDecimal(seconds.strip()).movePointRight(3).setScale(0, RoundingMode.CEILING);
        } catch (NumberFormatException | ArithmeticException e) {
            millis = null;
        }
        if (millis == null || millis.signum() < 0 || millis.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("invalid timeout '" + seconds + "' in SQLite URL '" + shown
                    + "'; give the seconds to wait for another process's lock, from 0 to 2147483, e.g. timeout=30");
        }
        return millis.toPlainString();
    }

    private static void requireFileDatabase(String target, String shown) {
        // ":memory:" also covers the URI form "file::memory:?cache=shared".
        if (target.isEmpty() || target.contains(":memory:") || target.contains("mode=memory")) {
            throw new IllegalArgumentException("in-memory SQLite database '" + shown
                    + "' is not supported: every pooled connection would see a different database;"
                    + " use a file, e.g. sqlite:///state.sqlite");
        }
    }

    /** The user and password found so far, the later ones winning, as the drivers do. */
    private static final class Credentials {
        @Nullable
        String user;

        @Nullable
        String password;

        void fromUserInfo(UrlParts parts) {
            if (parts.hasUserInfo()) {
                String name = UrlParts.decode(parts.userAsWritten());
                user = name.isEmpty() ? null : name;
                password = parts.hasUserInfoPassword() ? UrlParts.decode(parts.userInfoPasswordAsWritten()) : null;
            }
        }

        /** Takes a {@code user} or {@code password} parameter; returns whether it was one. */
        boolean take(UrlParts parts, UrlParts.Parameter parameter) {
            String name = parameter.name().toLowerCase(Locale.ROOT);
            if (name.equals("user") || name.equals("password")) {
                String value = UrlParts.decode(parts.text(parameter.value()));
                if (name.equals("user")) {
                    user = value;
                } else {
                    password = value;
                }
                return true;
            }
            return false;
        }
    }

    private static DatabaseUrl fromBuildbotServer(DatabaseKind kind, UrlParts parts, String shown) {
        boolean postgres = kind == DatabaseKind.POSTGRESQL;
        int defaultPort = postgres ? 5432 : 3306;
        Credentials credentials = new Credentials();
        credentials.fromUserInfo(parts);
        List<String> hosts = hostList(parts.hosts(), credentials, defaultPort, shown);
        List<String> ports = new ArrayList<>();
        String targetServerType = null;
        List<String> kept = new ArrayList<>();
        for (UrlParts.Parameter parameter : parts.parameters()) {
            String name = parameter.name();
            String value = UrlParts.decode(parts.text(parameter.value()));
            if (credentials.take(parts, parameter) || BUILDBOT_ONLY_PARAMETERS.contains(name)) {
                continue;
            }
            if (postgres && name.equals("host")) {
                hosts.addAll(hostList(value, credentials, defaultPort, shown));
            } else if (postgres && name.equals("port")) {
                for (String port : value.split(",", -1)) {
                    ports.add(checkPort(port, shown));
                }
            } else if (postgres && name.equals("target_session_attrs")) {
                targetServerType = TARGET_SERVER_TYPES.get(value);
                if (targetServerType == null) {
                    throw new IllegalArgumentException("unknown target_session_attrs '" + value
                            + "' in database URL '" + shown + "'; use one of "
                            + TARGET_SERVER_TYPES.keySet().stream().sorted().toList());
                }
            } else {
                kept.add(parts.text(parameter.whole()));
            }
        }
        if (hosts.isEmpty()) {
            hosts.add("localhost");
        }
        applyPorts(hosts, ports, shown);
        String path = parts.path();
        String database = path.startsWith("/") ? UrlParts.decode(path.substring(1)) : "";
        if (database.isEmpty()) {
            throw new IllegalArgumentException("database URL '" + shown
                    + "' names no database; add it after the host, e.g. "
                    + (postgres ? "postgresql://" : "mysql://") + "host/buildbot");
        }
        if (targetServerType != null) {
            kept.add("targetServerType=" + targetServerType);
        }
        String jdbc = (postgres ? "jdbc:postgresql://" : "jdbc:mariadb://") + String.join(",", hosts) + "/"
                + encodePathSegment(database) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new DatabaseUrl(kind, jdbc, credentials.user, credentials.password, parts);
    }

    private static DatabaseUrl fromJdbc(DatabaseKind kind, String prefix, UrlParts parts, String shown) {
        Credentials credentials = new Credentials();
        credentials.fromUserInfo(parts);
        String start;
        if (parts.hasAuthority()) {
            int defaultPort = kind == DatabaseKind.POSTGRESQL ? 5432 : 3306;
            String given = parts.prefix();
            // jdbc:mysql: URLs go to the MariaDB driver, which reads them alike.
            start = prefix
                    + given.substring(given.indexOf(':', "jdbc:".length()) + 1)
                    + String.join(",", hostList(parts.hosts(), credentials, defaultPort, shown))
                    + parts.path();
        } else {
            start = parts.beforeQuery();
        }
        List<String> kept = new ArrayList<>();
        for (UrlParts.Parameter parameter : parts.parameters()) {
            if (!credentials.take(parts, parameter)) {
                kept.add(parts.text(parameter.whole()));
            }
        }
        String jdbc = start + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new DatabaseUrl(kind, jdbc, credentials.user, credentials.password, parts);
    }

    /**
     * Checks a comma-separated host list ({@code host[:port]}, {@code [v6]:port} or MariaDB's
     * {@code address=(key=value)…}) and returns its entries; a user or password in an address group
     * goes to {@code credentials} and out of the entry.
     */
    private static List<String> hostList(String hosts, Credentials credentials, int defaultPort, String shown) {
        List<String> entries = new ArrayList<>();
        if (hosts.isEmpty()) {
            return entries;
        }
        for (String entry : splitOutsideParentheses(hosts)) {
            if (entry.regionMatches(true, 0, "address=", 0, "address=".length())) {
                entries.add(addressEntry(entry, credentials, shown));
                continue;
            }
            String host = entry;
            String port = null;
            int colon = entry.lastIndexOf(':');
            if (colon >= 0 && (!entry.startsWith("[") || entry.lastIndexOf(']') < colon)) {
                host = entry.substring(0, colon);
                port = entry.substring(colon + 1);
            }
            String decoded = UrlParts.decode(host);
            if (decoded.startsWith("/")) {
                // libpq (and so Buildbot) reads a host that is a path as the directory of a Unix socket.
                throw new IllegalArgumentException("host '" + decoded + "' in database URL '" + shown
                        + "' is the directory of a Unix-domain socket, which the JDBC drivers cannot use; connect"
                        + " over TCP instead: give the server's host name, or 127.0.0.1 for this machine");
            }
            if (!(HOST.matcher(host).matches() || IPV6.matcher(host).matches())) {
                throw new IllegalArgumentException("malformed host '" + entry + "' in database URL '" + shown
                        + "'; write host or host:port, e.g. db.example.org:" + defaultPort);
            }
            entries.add(port == null ? host : host + ":" + checkPort(port, shown));
        }
        return entries;
    }

    private static String addressEntry(String entry, Credentials credentials, String shown) {
        Matcher group = ADDRESS_GROUP.matcher(entry);
        StringBuilder kept = new StringBuilder("address=");
        int end = "address=".length();
        while (group.find() && group.start() == end) {
            String key = group.group(1).strip().toLowerCase(Locale.ROOT);
            String value = group.group(2);
            end = group.end();
            switch (key) {
                case "password" -> credentials.password = value;
                case "user" -> credentials.user = value;
                case "port" ->
                    kept.append("(port=")
                            .append(checkPort(value.strip(), shown))
                            .append(')');
                default -> kept.append(group.group());
            }
        }
        if (end != entry.length() || kept.length() == "address=".length()) {
            throw new IllegalArgumentException(
                    "malformed address in database URL '" + shown
                            + "'; write address=(host=h)(port=3306), e.g. jdbc:mariadb://address=(host=db)(port=3306)/buildbot");
        }
        return kept.toString();
    }

    /** Applies libpq's {@code port} list: one port for every host, or one per host. */
    private static void applyPorts(List<String> hosts, List<String> ports, String shown) {
        if (ports.isEmpty()) {
            return;
        }
        if (ports.size() != 1 && ports.size() != hosts.size()) {
            throw new IllegalArgumentException("database URL '" + shown + "' gives " + ports.size() + " ports for "
                    + hosts.size() + " hosts; give one port, or one for each host");
        }
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i);
            boolean hasPort = host.startsWith("[") ? host.lastIndexOf(':') > host.lastIndexOf(']') : host.contains(":");
            if (!hasPort) {
                hosts.set(i, host + ":" + ports.get(ports.size() == 1 ? 0 : i));
            }
        }
    }

    private static String checkPort(String port, String shown) {
        if (!PORT.matcher(port).matches()) {
            throw new IllegalArgumentException("malformed port '" + port + "' in database URL '" + shown
                    + "'; a port is a number from 1 to 65535, e.g. db.example.org:5432");
        }
        String digits = port.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 5 || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range in database URL '" + shown
                    + "'; a port is a number from 1 to 65535, e.g. db.example.org:5432");
        }
        return digits;
    }

    private static List<String> splitOutsideParentheses(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static String encodePathSegment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((Character.isLetterOrDigit(c) && c < 0x80) || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
