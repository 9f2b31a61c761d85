package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.multimaster.db.testing.TestDatabase;

class CliMariaDbTest extends AbstractCliDatabaseTest {

    @Override
    TestDatabase database() {
        return TestDatabase.mariadb("mm_cli");
    }

    @Test
    void shouldRefuseANameLongerThanTheNameColumnInOneLineWithoutRepeatingIt() throws SQLException {
        assertThat(run("upgrade").exitCode()).isZero();

        Cli.Result result = run("find", "x".repeat(100_000));

        assertFails(
                result,
                2,
                "multimaster: master name of 100000 characters (100000 bytes in UTF-8) is too long: this database"
                        + " stores names of at most 65535 bytes; use a shorter name; see 'multimaster find --help'\n");
        assertThat(count("SELECT COUNT(*) FROM masters")).isZero();
        assertThat(run("find", "\u00e9".repeat(32_767)).exitCode())
                .as("65534 bytes fit")
                .isZero();
    }
}
