package org.multimaster.db;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * <p>The credentials are taken out of the URL: {@link #jdbcUrl()} never contains a password, and
 * {@link #toString()} shows the URL as given with the password replaced by {@code ***}.
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

    private static final Pattern BUILDBOT_URL =
            Pattern.compile("(?<scheme>[A-Za-z][A-Za-z0-9]*)(?:\\+[A-Za-z0-9_]+)?://(?<rest>.*)", Pattern.DOTALL);
    // Greedy up to the last '@' of the authority, so that a password with a raw '@' is hidden
    // whole; one leading slash is enough, so that a malformed "scheme:/user:pass@host" is too.
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(/[^/?#@:]*:)[^/?#]*@");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("([?&;](?i:password)=)[^&;#]*");

    private final DatabaseKind kind;
    private final String jdbcUrl;
    private final @Nullable String user;
    private final @Nullable String password;
    private final String redacted;

    private DatabaseUrl(
            DatabaseKind kind, String jdbcUrl, @Nullable String user, @Nullable String password, String redacted) {
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.redacted = redacted;
    }

    /**
     * Parses a JDBC URL or a Buildbot {@code db_url}; relative SQLite paths are resolved against
     * the working directory.
     *
     * @param url the URL
     * @return the parsed URL
     * @throws IllegalArgumentException if the URL is blank or malformed; the message shows the URL
     *     without its password
     * @throws UnsupportedDatabaseException if the URL names a database multimaster does not support
     */
    public static DatabaseUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        String trimmed = url.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("database URL is empty; " + EXAMPLES);
        }
        String shown = redact(trimmed);
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:sqlite:")) {
            String target = trimmed.substring("jdbc:sqlite:".length());
            requireFileDatabase(target, shown);
            return new DatabaseUrl(DatabaseKind.SQLITE, trimmed, null, null, shown);
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return fromJdbc(DatabaseKind.POSTGRESQL, "jdbc:postgresql:", trimmed, shown);
        }
        if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
            String rest = trimmed.substring(trimmed.indexOf(':', "jdbc:".length()) + 1);
            return fromJdbc(DatabaseKind.MYSQL, "jdbc:mariadb:", "jdbc:mariadb:" + rest, shown);
        }
        if (lower.startsWith("jdbc:")) {
            // Only the sub-protocol: other drivers write credentials in forms redact() cannot know.
            int end = trimmed.indexOf(':', "jdbc:".length());
            String protocol = end < 0 ? "jdbc:" : trimmed.substring(0, end + 1);
            throw new UnsupportedDatabaseException("unsupported database URL '" + protocol + "...'"
                    + ": multimaster supports SQLite, PostgreSQL and" + " MySQL/MariaDB; " + EXAMPLES);
        }
        Matcher m = BUILDBOT_URL.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("malformed database URL '" + shown + "'; " + EXAMPLES);
        }
        String scheme = m.group("scheme").toLowerCase(Locale.ROOT);
        String rest = m.group("rest");
        return switch (scheme) {
            case "sqlite" -> fromBuildbotSqlite(rest, shown);
            case "postgresql", "postgres" ->
                fromBuildbotServer(DatabaseKind.POSTGRESQL, "jdbc:postgresql://", 5432, rest, shown);
            case "mysql", "mariadb" -> fromBuildbotServer(DatabaseKind.MYSQL, "jdbc:mariadb://", 3306, rest, shown);
            default ->
                throw new UnsupportedDatabaseException("unsupported database '" + scheme + "' in URL '" + shown
                        + "': multimaster supports SQLite, PostgreSQL and MySQL/MariaDB; " + EXAMPLES);
        };
    }

    /**
     * Returns the URL with any password replaced by {@code ***}; safe to print or log.
     *
     * @param url any database URL, well-formed or not
     * @return the URL without its password
     */
    public static String redact(String url) {
        String s = USERINFO_PASSWORD.matcher(url).replaceAll("$1***@");
        return PASSWORD_PARAMETER.matcher(s).replaceAll("$1***");
    }

    /** The kind of database. */
    public DatabaseKind kind() {
        return kind;
    }

    /** The JDBC URL to connect with, without user name or password. */
    public String jdbcUrl() {
        return jdbcUrl;
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

    private static DatabaseUrl fromBuildbotSqlite(String rest, String shown) {
        // sqlite:///relative/path has rest "/relative/path"; sqlite:////abs/path has "//abs/path".
        int query = rest.indexOf('?');
        String pathPart = query < 0 ? rest : rest.substring(0, query);
        if (query >= 0) {
            for (String parameter : rest.substring(query + 1).split("&", -1)) {
                String key = parameter.split("=", 2)[0];
                if (!key.isEmpty() && !BUILDBOT_ONLY_PARAMETERS.contains(key)) {
                    throw new IllegalArgumentException("unknown parameter '" + key + "' in SQLite URL '" + shown
                            + "'; SQLite URLs take only a path, e.g. sqlite:///state.sqlite");
                }
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
        String path = decode(pathPart.substring(1));
        requireFileDatabase(path, shown);
        Path file = Path.of(path).toAbsolutePath().normalize();
        return new DatabaseUrl(DatabaseKind.SQLITE, "jdbc:sqlite:" + file, null, null, shown);
    }

    private static void requireFileDatabase(String target, String shown) {
        // ":memory:" also covers the URI form "file::memory:?cache=shared".
        if (target.isEmpty() || target.contains(":memory:") || target.contains("mode=memory")) {
            throw new IllegalArgumentException("in-memory SQLite database '" + shown
                    + "' is not supported: every pooled connection would see a different database;"
                    + " use a file, e.g. sqlite:///state.sqlite");
        }
    }

    private static DatabaseUrl fromBuildbotServer(
            DatabaseKind kind, String jdbcPrefix, int defaultPort, String rest, String shown) {
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String pathAndQuery = slash < 0 ? "" : rest.substring(slash + 1);
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            if (user.isEmpty()) {
                user = null;
            }
        }
        String host = authority.isEmpty() ? "localhost" : authority;
        if (!host.matches("(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]]+)(:[0-9]{1,5})?")) {
            throw new IllegalArgumentException("malformed host '" + host + "' in database URL '" + shown
                    + "'; write host or host:port, e.g. db.example.org:" + defaultPort);
        }
        int query = pathAndQuery.indexOf('?');
        String database = decode(query < 0 ? pathAndQuery : pathAndQuery.substring(0, query));
        if (database.isEmpty()) {
            throw new IllegalArgumentException("database URL '" + shown
                    + "' names no database; add it after the host, e.g. " + jdbcPrefix.substring(5)
                    + "host/buildbot");
        }
        List<String> kept = new ArrayList<>();
        if (query >= 0) {
            for (String parameter : pathAndQuery.substring(query + 1).split("&", -1)) {
                String key = parameter.split("=", 2)[0];
                if (!key.isEmpty() && !BUILDBOT_ONLY_PARAMETERS.contains(key)) {
                    kept.add(parameter);
                }
            }
        }
        String jdbc = jdbcPrefix + host + "/" + encodePathSegment(database)
                + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new DatabaseUrl(kind, jdbc, user, password, shown);
    }

    private static DatabaseUrl fromJdbc(DatabaseKind kind, String prefix, String url, String shown) {
        String rest = url.substring(prefix.length());
        String user = null;
        String password = null;
        Matcher userInfo = Pattern.compile("^//([^/?#@]*)@").matcher(rest);
        if (userInfo.find()) {
            String info = userInfo.group(1);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
            rest = "//" + rest.substring(userInfo.end());
        }
        int query = rest.indexOf('?');
        if (query >= 0) {
            List<String> kept = new ArrayList<>();
            for (String parameter : rest.substring(query + 1).split("&", -1)) {
                String[] kv = parameter.split("=", 2);
                String key = kv[0].toLowerCase(Locale.ROOT);
                String value = kv.length > 1 ? decode(kv[1]) : "";
                if (key.equals("password")) {
                    password = value;
                } else if (key.equals("user")) {
                    user = value;
                } else if (!parameter.isEmpty()) {
                    kept.add(parameter);
                }
            }
            rest = rest.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        }
        return new DatabaseUrl(kind, prefix + rest, user, password, shown);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
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
