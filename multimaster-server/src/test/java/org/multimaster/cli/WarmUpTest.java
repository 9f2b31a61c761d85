package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which database the warm-up prepares for: the one the command will open, named by {@code --db}
 * (either form) over {@code MULTIMASTER_DB}, else the SQLite default.
 */
class WarmUpTest {

    @ParameterizedTest(name = "{0} with MULTIMASTER_DB={1}: SQLite {2}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                // The default, named or not; a blank MULTIMASTER_DB is no URL, as for the command itself.
                "list                                       | -                  | true",
                "list --db sqlite:///state.sqlite           | -                  | true",
                "--db=jdbc:sqlite:/tmp/x.sqlite show 1      | -                  | true",
                "list                                       | ' '                | true",
                // A server database: SQLite's native library is not loaded.
                "list --db postgresql://u:p@h/db            | -                  | false",
                "--db=mysql://root@127.0.0.1/test list      | -                  | false",
                "list                                       | postgresql://h/db  | false",
                // The command line over the environment.
                "list --db sqlite:////tmp/x.sqlite          | postgresql://h/db  | true",
                // A URL that does not parse is left to the command; a --db without its value is ignored.
                "list --db gopher://x                       | -                  | false",
                "list --db                                  | -                  | true",
            })
    void shouldPrepareSqliteOnlyForTheDatabaseTheCommandOpens(
            String commandLine, String environmentUrl, boolean sqlite) {
        Map<String, String> environment =
                environmentUrl == null ? Map.of() : Map.of(DatabaseOptions.DB_ENV, environmentUrl);

        assertThat(WarmUp.usesSqlite(commandLine.split(" "), environment)).isEqualTo(sqlite);
    }
}
