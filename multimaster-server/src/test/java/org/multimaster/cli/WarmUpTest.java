package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which database the warm-up prepares for: the one the command will open. */
class WarmUpTest {

    private static final Map<String, String> NO_ENVIRONMENT = Map.of();

    @Test
    void shouldPrepareSqliteForTheDefaultDatabase() {
        assertThat(WarmUp.usesSqlite(new String[] {"list"}, NO_ENVIRONMENT)).isTrue();
        assertThat(WarmUp.usesSqlite(new String[] {"list", "--db", "sqlite:///state.sqlite"}, NO_ENVIRONMENT))
                .isTrue();
        assertThat(WarmUp.usesSqlite(new String[] {"--db=jdbc:sqlite:/tmp/x.sqlite", "show", "1"}, NO_ENVIRONMENT))
                .isTrue();
        // A blank MULTIMASTER_DB is no URL, as for the command itself.
        assertThat(WarmUp.usesSqlite(new String[] {"list"}, Map.of(DatabaseOptions.DB_ENV, " ")))
                .isTrue();
    }

    @Test
    void shouldNotPrepareSqliteForAServerDatabase() {
        assertThat(WarmUp.usesSqlite(new String[] {"list", "--db", "postgresql://u:p@h/db"}, NO_ENVIRONMENT))
                .isFalse();
        assertThat(WarmUp.usesSqlite(new String[] {"--db=mysql://root@127.0.0.1/test", "list"}, NO_ENVIRONMENT))
                .isFalse();
        assertThat(WarmUp.usesSqlite(new String[] {"list"}, Map.of(DatabaseOptions.DB_ENV, "postgresql://h/db")))
                .isFalse();
    }

    @Test
    void shouldFollowTheCommandLineOverTheEnvironment() {
        assertThat(WarmUp.usesSqlite(
                        new String[] {"list", "--db", "sqlite:////tmp/x.sqlite"},
                        Map.of(DatabaseOptions.DB_ENV, "postgresql://h/db")))
                .isTrue();
    }

    @Test
    void shouldLeaveAUrlThatDoesNotParseToTheCommand() {
        assertThat(WarmUp.usesSqlite(new String[] {"list", "--db", "gopher://x"}, NO_ENVIRONMENT))
                .isFalse();
        assertThat(WarmUp.usesSqlite(new String[] {"list", "--db"}, NO_ENVIRONMENT))
                .isTrue();
    }
}
