package org.multimaster.db.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multimaster.db.DatabaseKind;

class SchemaTest {

    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.*\\.sql");

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void shouldKnowTheVersionOfTheLastMigrationOfEveryDatabase(DatabaseKind kind) throws IOException {
        Dialect dialect = Dialect.of(kind);
        String location = dialect.migrationLocation();
        Path dir = Path.of("src/main/resources", location.substring(location.indexOf(':') + 1));
        List<Integer> versions;
        try (Stream<Path> files = Files.list(dir)) {
            versions = files.map(f -> MIGRATION.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Integer.valueOf(m.group(1)))
                    .sorted()
                    .toList();
        }

        assertThat(versions).isNotEmpty();
        assertThat(String.valueOf(versions.get(versions.size() - 1))).isEqualTo(dialect.latestMigration());
    }
}
