package org.multimaster.db.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.multimaster.db.DatabaseUrl;

/** How a driver's failure reads once the executor reports it. */
class SqlExecutorTest {

    @Test
    void shouldReportADriverMessageOfSeveralLinesInOneLineWithoutThePassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://bb:s3cret@127.0.0.1:5432/buildbot");
        SQLException e = new SQLException(
                "FATAL: terminating connection due to administrator command\n  Position: 8\n", "57P01");

        assertThat(SqlExecutor.describe(e, url))
                .isEqualTo("FATAL: terminating connection due to administrator command; Position: 8 (SQLState 57P01)");
        assertThat(SqlExecutor.describe(new SQLException("password s3cret refused"), url))
                .doesNotContain("s3cret");
    }
}
