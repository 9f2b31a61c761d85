package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Opening a server that does not answer (port 1 on the loopback interface refuses at once). */
class UnreachableDatabaseTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "jdbc:postgresql://127.0.0.1:1/x?user=u&password=secret",
                "postgresql://u:secret@127.0.0.1:1/x",
                "jdbc:mariadb://127.0.0.1:1/x?user=u&password=secret",
                "mysql://u:secret@127.0.0.1:1/x"
            })
    void shouldThrowDatabaseUnavailableWithoutShowingPassword(String url) {
        DatabaseUnavailableException e = catchThrowableOfType(
                DatabaseUnavailableException.class,
                () -> DbConnector.builder()
                        .url(url)
                        .connectionTimeout(Duration.ofMillis(300))
                        .open());

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("127.0.0.1:1").doesNotContain("secret");
        assertThat(e.toString()).doesNotContain("secret");
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain("secret");
        }
    }
}
