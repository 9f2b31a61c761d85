package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
                "sqlite:///state.sqlite?password=s3cret"
            })
    void shouldRejectMalformedUrlWithoutShowingPassword(String given) {
        assertThatThrownBy(() -> DatabaseUrl.parse(given))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain("s3cret")
                .containsAnyOf("e.g.", "use ");
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
}
