package org.multimaster.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Report} on the measured runs kept in {@code docs/performance/data}. */
class ReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SQLITE_RUN = Path.of("../docs/performance/data/bench-sqlite.json");
    private static final Path MARIADB_RUN = Path.of("../docs/performance/data/bench-mariadb.json");
    private static final Path FOOTPRINT = Path.of("../docs/performance/data/footprint.json");

    @TempDir
    Path dir;

    @Test
    void shouldWriteTheSameReportWhateverTheDefaultLocale() throws IOException {
        Locale saved = Locale.getDefault();
        try {
            for (String tag : new String[] {"en-US", "ar-EG", "de-DE"}) {
                // ar-EG writes digits in its own script by default, de-DE a decimal comma.
                Locale.setDefault(Locale.forLanguageTag(tag));
                Report.main(new String[] {
                    "--out",
                    dir.resolve(tag).toString(),
                    SQLITE_RUN.toString(),
                    MARIADB_RUN.toString(),
                    "--footprint",
                    FOOTPRINT.toString()
                });
            }
        } finally {
            Locale.setDefault(saved);
        }
        String english = Files.readString(dir.resolve("en-US/results.md"));
        assertThat(english).contains(" cores, ").contains(" MiB");
        assertThat(Files.readString(dir.resolve("ar-EG/results.md"))).isEqualTo(english);
        assertThat(Files.readString(dir.resolve("de-DE/results.md"))).isEqualTo(english);
        try (var charts = Files.list(dir.resolve("en-US"))) {
            for (Path chart : charts.filter(f -> f.toString().endsWith(".png")).toList()) {
                byte[] png = Files.readAllBytes(chart);
                for (String tag : new String[] {"ar-EG", "de-DE"}) {
                    assertThat(Files.readAllBytes(dir.resolve(tag).resolve(chart.getFileName())))
                            .as("%s in %s", chart.getFileName(), tag)
                            .isEqualTo(png);
                }
            }
        }
    }

    @Test
    void shouldShowTheListingOfALaterRunInPlaceOfTheEarlierOnesAndListBothRuns() throws IOException {
        JsonNode earlier = JSON.readTree(Files.readString(SQLITE_RUN));
        // The later run: the earlier run's listing scenario only, every call taking 4,242 ms.
        ObjectNode later = earlier.deepCopy();
        ((ObjectNode) later.get("environment")).put("date", "2030-01-01T00:00:00Z");
        for (String array : new String[] {"measurements", "ratios"}) {
            ArrayNode listing = JSON.createArrayNode();
            later.get(array).forEach(m -> {
                if (m.get("scenario").asText().equals("listing")) {
                    listing.add(m);
                }
            });
            later.set(array, listing);
        }
        later.get("measurements").forEach(m -> {
            ArrayNode calls = JSON.createArrayNode();
            m.get("perCallMicros").forEach(v -> calls.add(4_242_000.0));
            ((ObjectNode) m).set("perCallMicros", calls);
        });
        Path laterFile = dir.resolve("later.json");
        Files.writeString(laterFile, JSON.writeValueAsString(later));

        Report.main(new String[] {
            "--out",
            dir.toString(),
            SQLITE_RUN.toString(),
            "--replaces",
            laterFile.toString(),
            "--footprint",
            FOOTPRINT.toString()
        });

        String results = Files.readString(dir.resolve("results.md"));
        String listing = section(results, "### Listing at scale");
        assertThat(listing).contains("| SQLite | 10000 (1000 active) | 4,242 | 4,242 | 4,242 |");
        assertThat(listing.lines().filter(line -> line.contains("| SQLite |")))
                .allMatch(line -> line.contains("4,242"));
        assertThat(section(results, "### Each method, one caller"))
                .as("the other scenarios stay the earlier run's")
                .doesNotContain("4,242");
        assertThat(section(results, "### Targets"))
                .containsPattern("\\| `bin/multimaster list` ≤ 0\\.35 s \\| [^|]+ \\| \\d\\.\\d\\d s \\|")
                .contains("| still checking in after 600 s |");
        assertThat(section(results, "### Footprint"))
                .containsPattern("\\| `java -version` alone, the JVM's start [^|]+ \\| \\d+ ± \\d+ ms \\|")
                .containsPattern("\\| daemon as it runs by default [^|]+: CPU per minute idle [^|]+ \\| \\d+ ms \\|");
        assertThat(section(results, "### Machine and databases"))
                .contains("| SQLite |")
                .contains("| SQLite, listing re-run |")
                .contains("2030-01-01T00:00:00Z");
    }

    @Test
    void shouldShowThePagesAskedThroughTheHttpApiAndHoldThemToThePageTargets() throws IOException {
        // The earlier run's listing, plus the same pages through HTTP: 1 ms a page at 10,000
        // masters, 3 ms at 100,000, and Buildbot 150 times (10,000) and 90 times (100,000) slower.
        ObjectNode run = withoutHttp((ObjectNode) JSON.readTree(Files.readString(SQLITE_RUN)));
        Path connectorOnly = dir.resolve("connector-only.json");
        Files.writeString(connectorOnly, JSON.writeValueAsString(run));
        Report.main(new String[] {"--out", dir.resolve("connector-only").toString(), connectorOnly.toString()});
        String connectorRow = section(Files.readString(dir.resolve("connector-only/results.md")), "### Targets")
                .lines()
                .filter(line -> line.startsWith("| page of 50 at 100,000 masters ≤ 2× its cost at 10,000 | SQLite, "
                        + "getMasters(spec): all, order name, limit 50 |"))
                .findFirst()
                .orElseThrow();
        ArrayNode measurements = (ArrayNode) run.get("measurements");
        ArrayNode ratios = (ArrayNode) run.get("ratios");
        for (JsonNode m : measurements.deepCopy()) {
            if (m.get("scenario").asText().equals("listing")
                    && m.get("side").asText().equals("multimaster")) {
                boolean large = m.at("/params/masters").asInt() == 100_000;
                ObjectNode http = m.deepCopy();
                http.put("side", "http");
                ArrayNode calls = JSON.createArrayNode();
                m.get("perCallMicros").forEach(v -> calls.add(large ? 3_000.0 : 1_000.0));
                http.set("perCallMicros", calls);
                measurements.add(http);
                ObjectNode ratio = JSON.createObjectNode()
                        .put("scenario", "listing")
                        .put("operation", m.get("operation").asText())
                        .put("numerator", "buildbot")
                        .put("numeratorThreads", 1)
                        .put("denominator", "http")
                        .put("denominatorThreads", 1)
                        .put("median", large ? 90.0 : 150.0);
                ratio.set("params", m.get("params"));
                ratios.add(ratio);
            }
        }
        Path file = dir.resolve("with-http.json");
        Files.writeString(file, JSON.writeValueAsString(run));

        Report.main(new String[] {"--out", dir.toString(), file.toString()});

        String results = Files.readString(dir.resolve("results.md"));
        assertThat(section(results, "### Listing at scale"))
                .contains("| through HTTP ms | through HTTP × Buildbot |")
                .containsPattern("\\| getMasters\\(spec\\): active, -last_active, limit 50 \\| SQLite \\| 10000 "
                        + "\\(1000 active\\) (\\| [^|]+ ){4}\\| 1\\.00 \\| 150× \\|")
                .containsPattern("\\| getMasters\\(spec\\): all, order name, limit 50 \\| SQLite \\| 100000 "
                        + "\\(1000 active\\) (\\| [^|]+ ){4}\\| 3\\.00 \\| 90\\.00× \\|");
        assertThat(section(results, "### Targets"))
                .contains("| page of 50 at 100,000 masters ≥ 100× faster than Buildbot | SQLite, getMasters(spec): "
                        + "active, -last_active, limit 50, through the HTTP API | 90.00× | **no** |")
                .contains("| page of 50 at 100,000 masters ≤ 2× its cost at 10,000 | SQLite, getMasters(spec): "
                        + "all, order name, limit 50, through the HTTP API | 3.00× | **no** |")
                // The connector's own rows stay as they were.
                .contains(connectorRow);
    }

    /** The run without its measurements and ratios of the HTTP side. */
    private static ObjectNode withoutHttp(ObjectNode run) {
        for (String array : new String[] {"measurements", "ratios"}) {
            ArrayNode kept = JSON.createArrayNode();
            for (JsonNode m : run.get(array)) {
                if (!m.path("side").asText().equals("http")
                        && !m.path("numerator").asText().equals("http")
                        && !m.path("denominator").asText().equals("http")) {
                    kept.add(m);
                }
            }
            run.set(array, kept);
        }
        return run;
    }

    @Test
    void shouldHoldEveryDatabaseToTheSweepAndPageTargetsAndOnlySqliteAndPostgresqlToTheMethodRatios()
            throws IOException {
        Report.main(new String[] {"--out", dir.toString(), MARIADB_RUN.toString()});

        String targets = section(Files.readString(dir.resolve("results.md")), "### Targets");
        assertThat(targets)
                .contains("| sweep with 10,000 dead masters ≥ 1,000× cheaper than Buildbot's | MariaDB |")
                .contains("| page of 50 at 100,000 masters ≥ 100× faster than Buildbot | MariaDB, getMasters(spec): "
                        + "all, order name, limit 50 |")
                .contains("| every method ≤ 1.3× its bare JDBC floor | MariaDB, getMaster |")
                // The issue sets the one-caller ratios to Buildbot for SQLite and PostgreSQL only.
                .doesNotContain("| every read ≥ 8× Buildbot | MariaDB");
    }

    @Test
    void shouldRefuseARerunOfADatabaseThatHasNoEarlierRun() throws IOException {
        Path file = dir.resolve("later.json");
        Files.writeString(file, Files.readString(SQLITE_RUN));

        assertThatThrownBy(() -> Report.main(new String[] {"--out", dir.toString(), "--replaces", file.toString()}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no earlier run on SQLite");
    }

    @Test
    void shouldShowAJmhRowForEachValueOfAParameterThatVaries() throws IOException {
        // Two values of waitMicros, one of threads; a benchmark with a database and one without.
        Path jmh = dir.resolve("jmh.json");
        Files.writeString(
                jmh,
                "["
                        + jmhResult("HandoffBenchmark.handedOff", "\"threads\": \"8\", \"waitMicros\": \"0\"", 18.2)
                        + ","
                        + jmhResult("HandoffBenchmark.handedOff", "\"threads\": \"8\", \"waitMicros\": \"300\"", 422.1)
                        + ","
                        + jmhResult("MastersConnectorBenchmark.getMaster", "\"db\": \"sqlite\"", 31.4)
                        + "]");

        Report.main(new String[] {"--out", dir.toString(), SQLITE_RUN.toString(), "--jmh", jmh.toString()});

        assertThat(section(Files.readString(dir.resolve("results.md")), "### JMH"))
                .contains("| benchmark | no database | sqlite |")
                .contains("| getMaster |  | 31.40 ± 1.00 |")
                .contains("| handedOff (waitMicros=0) | 18.20 ± 1.00 |  |")
                .contains("| handedOff (waitMicros=300) | 422 ± 1.00 |  |");
    }

    private static String jmhResult(String benchmark, String params, double score) {
        return "{\"benchmark\": \"org.multimaster.bench.jmh." + benchmark + "\", \"params\": {" + params
                + "}, \"primaryMetric\": {\"score\": " + score + ", \"scoreError\": 1.0}}";
    }

    private static String section(String markdown, String heading) {
        int start = markdown.indexOf(heading);
        assertThat(start).as(heading).isNotNegative();
        int end = markdown.indexOf("\n### ", start + heading.length());
        return end < 0 ? markdown.substring(start) : markdown.substring(start, end);
    }
}
