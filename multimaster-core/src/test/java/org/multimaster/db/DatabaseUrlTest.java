package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {

    private static final String CWD = Path.of("").toAbsolutePath().toString();

    @Test
    void shouldResolveBuildbotDefaultSqliteUrlAgainstWorkingDirectory() {
        DatabaseUrl url = DatabaseUrl.parse("sqlite:///state.sqlite");

        assertThat(url.kind()).isEqualTo(DatabaseKind.SQLITE);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:" + Path.of(CWD, "state.sqlite"));
        assertThat(url.user()).isEmpty();
        assertThat(url.password()).isEmpty();
        assertThat(url).hasToString("sqlite:///state.sqlite");
        assertThat(DatabaseUrl.DEFAULT).isEqualTo("sqlite:///state.sqlite");
    }

    @Test
    void shouldResolveRelativeSqlitePathWithDirectories() {
        assertThat(DatabaseUrl.parse("sqlite:///db/../data/state.sqlite").jdbcUrl())
                .isEqualTo("jdbc:sqlite:" + Path.of(CWD, "data", "state.sqlite"));
    }

    @Test
    void shouldKeepAbsoluteSqlitePathWithFourSlashes() {
        DatabaseUrl url = DatabaseUrl.parse("sqlite:////var/lib/buildbot/state.sqlite");

        assertThat(url.kind()).isEqualTo(DatabaseKind.SQLITE);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/buildbot/state.sqlite");
    }

    @Test
    void shouldAcceptSqliteUrlWithDriverSuffixAndBuildbotOnlyParameter() {
        assertThat(DatabaseUrl.parse("sqlite+pysqlite:////tmp/s.sqlite?serialize_access=1")
                        .jdbcUrl())
                .isEqualTo("jdbc:sqlite:/tmp/s.sqlite");
    }

    @Test
    void shouldTakeCredentialsOutOfBuildbotPostgresqlUrl() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://bb:s3cret@db.example.org:5433/buildbot");

        assertThat(url.kind()).isEqualTo(DatabaseKind.POSTGRESQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.org:5433/buildbot");
        assertThat(url.user()).contains("bb");
        assertThat(url.password()).contains("s3cret");
        assertThat(url).hasToString("postgresql://bb:***@db.example.org:5433/buildbot");
    }

    @Test
    void shouldAcceptPostgresqlDriverSuffix() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql+psycopg2://bb:s3cret@127.0.0.1:5432/buildbot");

        assertThat(url.kind()).isEqualTo(DatabaseKind.POSTGRESQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/buildbot");
        assertThat(url.user()).contains("bb");
        assertThat(url.password()).contains("s3cret");
        assertThat(url.toString()).isEqualTo("postgresql+psycopg2://bb:***@127.0.0.1:5432/buildbot");
    }

    @Test
    void shouldAcceptPostgresqlUrlWithoutCredentialsOrPort() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://dbhost/buildbot");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://dbhost/buildbot");
        assertThat(url.user()).isEmpty();
        assertThat(url.password()).isEmpty();
    }

    @Test
    void shouldAcceptUserWithoutPassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://bb@dbhost/buildbot");

        assertThat(url.user()).contains("bb");
        assertThat(url.password()).isEmpty();
        assertThat(url).hasToString("postgresql://bb@dbhost/buildbot");
    }

    @Test
    void shouldMapBuildbotMysqlUrlToMariadbDriverDroppingBuildbotOnlyParameters() {
        DatabaseUrl url = DatabaseUrl.parse("mysql://bb:s3cret@dbhost/buildbot?max_idle=300");

        assertThat(url.kind()).isEqualTo(DatabaseKind.MYSQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:mariadb://dbhost/buildbot");
        assertThat(url.user()).contains("bb");
        assertThat(url.password()).contains("s3cret");
        assertThat(url).hasToString("mysql://bb:***@dbhost/buildbot?max_idle=300");
    }

    @Test
    void shouldAcceptMysqlDriverSuffixAndKeepDriverParameters() {
        DatabaseUrl url = DatabaseUrl.parse(
                "mysql+mysqldb://bb:s3cret@dbhost:3307/buildbot?max_idle=300&charset=utf8&use_unicode=True"
                        + "&connectTimeout=5000");

        assertThat(url.kind()).isEqualTo(DatabaseKind.MYSQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:mariadb://dbhost:3307/buildbot?connectTimeout=5000");
        assertThat(url.password()).contains("s3cret");
        assertThat(url.toString()).doesNotContain("s3cret");
    }

    @Test
    void shouldPercentDecodeUserAndPassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://b%40b:p%40ss%2Fw%3Ard%25+x@dbhost/buildbot");

        assertThat(url.user()).contains("b@b");
        assertThat(url.password()).contains("p@ss/w:rd%+x");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://dbhost/buildbot");
        assertThat(url.toString()).doesNotContain("p%40ss").doesNotContain("w%3Ard");
    }

    @Test
    void shouldKeepJdbcSqliteUrl() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:sqlite:/var/lib/buildbot/state.sqlite");

        assertThat(url.kind()).isEqualTo(DatabaseKind.SQLITE);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/buildbot/state.sqlite");
    }

    @Test
    void shouldTakeCredentialsOutOfJdbcPostgresqlQueryParameters() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://dbhost:5432/buildbot?user=bb&password=s3cret&ssl=true");

        assertThat(url.kind()).isEqualTo(DatabaseKind.POSTGRESQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://dbhost:5432/buildbot?ssl=true");
        assertThat(url.user()).contains("bb");
        assertThat(url.password()).contains("s3cret");
        assertThat(url).hasToString("jdbc:postgresql://dbhost:5432/buildbot?user=bb&password=***&ssl=true");
    }

    @Test
    void shouldPercentDecodeJdbcPasswordParameter() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://dbhost/buildbot?password=a%26b%3Dc&user=bb");

        assertThat(url.password()).contains("a&b=c");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://dbhost/buildbot");
        assertThat(url.toString()).doesNotContain("a%26b");
    }

    @Test
    void shouldTakeCredentialsOutOfJdbcUserInfo() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:mysql://bb:s3cret@dbhost:3306/buildbot");

        assertThat(url.kind()).isEqualTo(DatabaseKind.MYSQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:mariadb://dbhost:3306/buildbot");
        assertThat(url.user()).contains("bb");
        assertThat(url.password()).contains("s3cret");
        assertThat(url).hasToString("jdbc:mysql://bb:***@dbhost:3306/buildbot");
    }

    @Test
    void shouldKeepJdbcMariadbUrl() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:mariadb://127.0.0.1:3306/buildbot?user=root");

        assertThat(url.kind()).isEqualTo(DatabaseKind.MYSQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/buildbot");
        assertThat(url.user()).contains("root");
        assertThat(url.password()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "postgresql://bb:s3cret@dbhost/buildbot",
                "postgresql+psycopg2://bb:s3cret@dbhost:5432/buildbot",
                "mysql://bb:s3cret@dbhost/buildbot?max_idle=300",
                "jdbc:postgresql://dbhost/buildbot?user=bb&password=s3cret",
                "jdbc:postgresql://dbhost/buildbot?PASSWORD=s3cret",
                "jdbc:mariadb://bb:s3cret@dbhost/buildbot",
                "jdbc:mysql://dbhost/buildbot?password=s3cret&user=bb",
                "postgresql://bb:s3cr@t@dbhost/buildbot",
                "postgresql://bb:s3:cret@dbhost/buildbot"
            })
    void shouldNeverShowPasswordInToStringOrJdbcUrl(String given) {
        DatabaseUrl url = DatabaseUrl.parse(given);
        String password = url.password().orElseThrow();

        assertThat(password).startsWith("s3");
        assertThat(url.toString())
                .doesNotContain(password)
                .doesNotContain("cret")
                .contains("***");
        assertThat(url.jdbcUrl()).doesNotContain(password).doesNotContain("cret");
        assertThat(DatabaseUrl.redact(given)).isEqualTo(url.toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sqlite://",
                "sqlite:///:memory:",
                "sqlite+pysqlite:///:memory:",
                "jdbc:sqlite::memory:",
                "jdbc:sqlite:",
                "jdbc:sqlite:file::memory:?cache=shared",
                "jdbc:sqlite:file:memdb1?mode=memory&cache=shared"
            })
    void shouldRejectInMemorySqlite(String given) {
        assertThatThrownBy(() -> DatabaseUrl.parse(given))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in-memory");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "oracle://bb:s3cret@dbhost/buildbot",
                "mssql+pyodbc://bb:s3cret@dbhost/buildbot",
                "jdbc:h2:mem:buildbot;password=s3cret",
                "jdbc:oracle:thin:bb/s3cret@dbhost:1521:buildbot"
            })
    void shouldRejectUnsupportedDatabaseWithoutShowingPassword(String given) {
        assertThatThrownBy(() -> DatabaseUrl.parse(given))
                .isInstanceOf(UnsupportedDatabaseException.class)
                .hasMessageContaining("SQLite, PostgreSQL and MySQL/MariaDB")
                .message()
                .doesNotContain("s3cret");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not a url",
                "postgresql:/bb:s3cret@dbhost/buildbot",
                "postgresql://bb:s3cret@dbhost:port/buildbot",
                "postgresql://bb:s3cret@dbhost",
                "postgresql://bb:s3cret@dbhost/",
                "mysql://bb:s3cret@[::1/buildbot",
                "sqlite://dbhost/state.sqlite",
                "sqlite:///state.sqlite?password=s3cret",
                // Not URLs, but holding one: in quotes (an environment file's), after other text,
                // or without its scheme.
                "\"postgresql://bb:s3cret@dbhost/buildbot\"",
                "'mysql://bb:s3cret@dbhost'",
                "DB=postgresql://bb:s3cret@dbhost/buildbot",
                "\"jdbc:postgresql://dbhost/buildbot?password=s3cret\"",
                "bb:s3cret@dbhost/buildbot",
                "bb:s3cret@x@dbhost",
                "dbhost/buildbot?user=bb&password=s3cret"
            })
    void shouldRejectMalformedUrlWithoutShowingPassword(String given) {
        assertThatThrownBy(() -> DatabaseUrl.parse(given))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain("s3cret")
                .containsAnyOf("e.g.", "use ");
    }

    /**
     * Every argument of a command line is read as a URL when a message is printed, so long text
     * must be read in linear time: a search from every position for a scheme, or a host list tried
     * after each of many {@code @}, took minutes for a name of 70,000 letters.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "x",
                "@",
                "a@",
                "@/",
                "\"",
                "1a",
                "a:",
                "a:/",
                "a+",
                ":/",
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx:/"
            })
    void shouldReadLongTextThatIsNotAUrlInLinearTime(String unit) {
        String text = "\"" + unit.repeat(400_000 / unit.length());

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThat(DatabaseUrl.redact(text)).isNotNull();
            assertThatThrownBy(() -> DatabaseUrl.parse(text)).isInstanceOf(IllegalArgumentException.class);
            assertThat(DatabaseUrl.redact("postgresql://" + text)).isNotNull();
        });
    }

    @Test
    void shouldSayToRemoveTheQuotesAroundAQuotedUrl() {
        assertThatThrownBy(() -> DatabaseUrl.parse(" \"postgresql://bb:s3cret@dbhost/buildbot\" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed database URL '\"postgresql://bb:***@dbhost/buildbot\"': remove the"
                        + " quotes around it; use e.g. ");
        assertThat(DatabaseUrl.redact("'mysql://bb:s3cret@dbhost'")).isEqualTo("'mysql://bb:***@dbhost'");
        assertThatThrownBy(() -> DatabaseUrl.parse("\"\""))
                .hasMessageStartingWith("malformed database URL '\"\"': remove the quotes around it");
        assertThat(DatabaseUrl.redact("\"")).isEqualTo("\"");
        assertThat(DatabaseUrl.redact("")).isEmpty();
    }

    @Test
    void shouldHideWholePasswordContainingRawAtSign() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://bb:s3cr@t@dbhost/buildbot");

        assertThat(url.password()).contains("s3cr@t");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://dbhost/buildbot");
        assertThat(url).hasToString("postgresql://bb:***@dbhost/buildbot");
    }

    @Test
    void shouldShowOnlyTheSubProtocolOfUnsupportedJdbcUrl() {
        assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:oracle:thin:bb/s3cret@dbhost:1521:buildbot"))
                .isInstanceOf(UnsupportedDatabaseException.class)
                .hasMessageStartingWith("unsupported database URL 'jdbc:oracle:...'");
    }

    @Test
    void shouldRejectBlankAndNullUrl() {
        assertThatThrownBy(() -> DatabaseUrl.parse("  ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatabaseUrl.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldCompareByDatabaseAndCredentials() {
        assertThat(DatabaseUrl.parse("postgresql://bb:x@dbhost/buildbot"))
                .isEqualTo(DatabaseUrl.parse("jdbc:postgresql://dbhost/buildbot?user=bb&password=x"))
                .isNotEqualTo(DatabaseUrl.parse("postgresql://bb:y@dbhost/buildbot"));
        assertThat(Optional.of(
                        DatabaseUrl.parse("postgresql://bb:x@dbhost/buildbot").hashCode()))
                .contains(DatabaseUrl.parse("jdbc:postgresql://dbhost/buildbot?user=bb&password=x")
                        .hashCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pa#ss", "pa?ss", "pa/ss", "p@ss", "pa ss", "pa%ss", "pa:ss", "pa&ss=x", "/?#@:"})
    void shouldTakeARawPasswordWithAnyCharacterOutOfABuildbotUrl(String password) {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://postgres:" + password + "@127.0.0.1:1/db");

        assertThat(url.password()).contains(password);
        assertThat(url.user()).contains("postgres");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:1/db");
        assertThat(url).hasToString("postgresql://postgres:***@127.0.0.1:1/db");
        assertThat(DatabaseUrl.redact("postgresql://postgres:" + password + "@127.0.0.1:1/db"))
                .isEqualTo("postgresql://postgres:***@127.0.0.1:1/db");
    }

    @Test
    void shouldNotReadAPasswordWithASlashAsTheHost() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://postgres:pa/ss@127.0.0.1:99999/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port 99999 is out of range in database URL 'postgresql://postgres:***@127.0.0.1:99999/db';"
                        + " a port is a number from 1 to 65535, e.g. db.example.org:5432");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "postgresql://u:secret@127.0.0.1:99999/db",
                "postgresql://u:secret@127.0.0.1:0/db",
                "mysql://u:secret@127.0.0.1:65536/db",
                "postgresql://u@/db?host=h1:5432&host=h2:99999&password=secret",
                "postgresql://u:secret@/db?host=h1&port=99999",
                "jdbc:postgresql://127.0.0.1:99999/db?password=secret",
                "jdbc:postgresql://h1:5432,h2:0/db?password=secret",
                "jdbc:mariadb://u:secret@127.0.0.1:123456/db",
                "jdbc:mariadb://address=(host=127.0.0.1)(port=99999)(password=secret)/db"
            })
    void shouldRejectAPortOutOfRangeAsBadInput(String given) {
        assertThatThrownBy(() -> DatabaseUrl.parse(given))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(" is out of range in database URL '")
                .hasMessageEndingWith("; a port is a number from 1 to 65535, e.g. db.example.org:5432")
                .message()
                .doesNotContain("secret");
    }

    @Test
    void shouldTakeAnUpperCasePasswordParameterOutOfAJdbcUrl() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db:5432/buildbot?USER=bb&PASSWORD=s3cret&ssl=true");

        assertThat(url.password()).contains("s3cret");
        assertThat(url.user()).contains("bb");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/buildbot?ssl=true");
        assertThat(url).hasToString("jdbc:postgresql://db:5432/buildbot?USER=bb&PASSWORD=***&ssl=true");
    }

    @Test
    void shouldTakeThePasswordOutOfAMariadbAddress() {
        String given = "jdbc:mariadb://address=(host=127.0.0.1)(port=3306)(user=bb)(password=s3cr=t/)/buildbot?a=1";
        DatabaseUrl url = DatabaseUrl.parse(given);

        assertThat(url.password()).contains("s3cr=t/");
        assertThat(url.user()).contains("bb");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:mariadb://address=(host=127.0.0.1)(port=3306)/buildbot?a=1");
        assertThat(url)
                .hasToString("jdbc:mariadb://address=(host=127.0.0.1)(port=3306)(user=bb)(password=***)/buildbot?a=1");
        assertThat(DatabaseUrl.redact(given)).isEqualTo(url.toString());
    }

    @Test
    void shouldKeepAMultiHostJdbcPostgresqlUrl() {
        DatabaseUrl url = DatabaseUrl.parse(
                "jdbc:postgresql://h1:5432,h2:5433/buildbot?targetServerType=primary&user=bb&password=s3cret");

        assertThat(url.kind()).isEqualTo(DatabaseKind.POSTGRESQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5433/buildbot?targetServerType=primary");
        assertThat(url.password()).contains("s3cret");
        assertThat(url)
                .hasToString(
                        "jdbc:postgresql://h1:5432,h2:5433/buildbot?targetServerType=primary&user=bb&password=***");
    }

    @Test
    void shouldMapLibpqHostParametersAndTargetSessionAttributesToTheJdbcUrl() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql+psycopg2://bb:s3cret@/buildbot"
                + "?host=h1:5432&host=h2:5433&target_session_attrs=read-write&sslmode=require");

        assertThat(url.jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5433/buildbot?sslmode=require&targetServerType=primary");
        assertThat(url.user()).contains("bb");
        assertThat(url.password()).contains("s3cret");
        assertThat(url)
                .hasToString("postgresql+psycopg2://bb:***@/buildbot"
                        + "?host=h1:5432&host=h2:5433&target_session_attrs=read-write&sslmode=require");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "postgresql://bb:s3cret@/buildbot?host=/var/run/postgresql",
                "postgresql://bb:s3cret@%2Fvar%2Frun%2Fpostgresql/buildbot",
                "postgresql://bb:s3cret@h1/buildbot?host=%2Fvar%2Frun%2Fpostgresql"
            })
    void shouldSayThatAUnixSocketCannotBeUsedAndToConnectOverTcp(String given) {
        // Before, a socket in the query was a "malformed host", and one in the authority was looked
        // up as a host name, which failed with the driver's "The connection attempt failed".
        assertThatThrownBy(() -> DatabaseUrl.parse(given))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host '/var/run/postgresql' in database URL '" + given.replace("s3cret", "***")
                        + "' is the directory of a Unix-domain socket, which the JDBC drivers cannot use; connect over"
                        + " TCP instead: give the server's host name, or 127.0.0.1 for this machine");
    }

    @Test
    void shouldReadTheTimeoutOfABuildbotSqliteUrlAsTheBusyTimeoutAndIgnorePythonsOwnParameters() {
        String file = Path.of("state.sqlite").toAbsolutePath().toString();

        assertThat(DatabaseUrl.parse("sqlite:///state.sqlite?timeout=30").jdbcUrl())
                .isEqualTo("jdbc:sqlite:" + file + "?busy_timeout=30000");
        assertThat(DatabaseUrl.parse("sqlite+pysqlite:///state.sqlite?timeout=0.0005&check_same_thread=false")
                        .jdbcUrl())
                .isEqualTo("jdbc:sqlite:" + file + "?busy_timeout=1");
        assertThat(DatabaseUrl.parse("sqlite:///state.sqlite?isolation_level=IMMEDIATE&cached_statements=10"
                                + "&detect_types=1&timeout=0")
                        .jdbcUrl())
                .isEqualTo("jdbc:sqlite:" + file + "?busy_timeout=0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "-1", "NaN", "inf", "2147484", "1e999999999", "30s"})
    void shouldRefuseATimeoutOfASqliteUrlThatIsNotSeconds(String timeout) {
        String given = "sqlite:///state.sqlite?timeout=" + timeout;

        assertThatThrownBy(() -> DatabaseUrl.parse(given))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid timeout '" + timeout + "' in SQLite URL '" + given + "'; give the seconds to wait"
                        + " for another process's lock, from 0 to 2147483, e.g. timeout=30");
    }

    @Test
    void shouldNameTheFileOfAnSqliteUrlAsTheDriverOpensIt() {
        Path here = Path.of("").toAbsolutePath();

        assertThat(DatabaseUrl.parse("sqlite:///state.sqlite?timeout=3").sqliteFile())
                .contains(here.resolve("state.sqlite"));
        assertThat(DatabaseUrl.parse("jdbc:sqlite:file:/srv/bb/../bb/state.sqlite?mode=ro&immutable=1")
                        .sqliteFile())
                .contains(Path.of("/srv/bb/state.sqlite"));
        // The driver opens "FILE:x" as a plain path, not as a URI.
        assertThat(DatabaseUrl.parse("jdbc:sqlite:FILE:x.sqlite").sqliteFile()).contains(here.resolve("FILE:x.sqlite"));
        assertThat(DatabaseUrl.parse("postgresql://bb@h1/buildbot").sqliteFile())
                .isEmpty();
    }

    @Test
    void shouldApplyLibpqPortsToTheHostsInOrder() {
        assertThat(DatabaseUrl.parse("postgresql://bb@/buildbot?host=h1&host=h2&port=5442,5443")
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5442,h2:5443/buildbot");
        assertThat(DatabaseUrl.parse("postgresql://bb@/buildbot?host=h1&host=h2&port=5442")
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5442,h2:5442/buildbot");
        assertThat(DatabaseUrl.parse("postgresql://bb@h1:5432,h2/buildbot?target_session_attrs=any")
                        .jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2/buildbot?targetServerType=any");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://bb@/buildbot?host=h1&host=h2&port=1,2,3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gives 3 ports for 2 hosts; give one port, or one for each host");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://bb@/buildbot?host=h1&target_session_attrs=fast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown target_session_attrs 'fast'");
    }

    @Test
    void shouldNotTakeAnAtSignInTheQueryForUserInformation() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://srv.example.org:5432/db?user=admin@srv&password=x");

        assertThat(url.user()).contains("admin@srv");
        assertThat(url.password()).contains("x");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://srv.example.org:5432/db");
    }

    @Test
    void shouldHideThePasswordInAnyText() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://bb:p%40ss%2Fword@db/buildbot");

        assertThat(url.hidePasswordIn("auth for p@ss/word (given as p%40ss%2Fword) failed"))
                .isEqualTo("auth for *** (given as ***) failed");
        assertThat(DatabaseUrl.parse("postgresql://db/buildbot").hidePasswordIn("no password"))
                .isEqualTo("no password");
    }

    @Test
    void shouldHideEveryOccurrenceOfAShortPasswordEvenInsideOtherWords() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://bb:x@db/buildbot");

        assertThat(url.hidePasswordIn("xx: tax")).isEqualTo("******: ta***");
    }

    @Test
    void shouldNotTakeTheStarsPutInForThePassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://bb:%2A@db/buildbot");

        assertThat(url.password()).contains("*");
        assertThat(url.hidePasswordIn("given %2A")).isEqualTo("given ***");
    }
}
