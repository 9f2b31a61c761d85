package org.multimaster.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.multimaster.db.DbConnector;
import org.multimaster.db.testing.TestDatabase;
import org.multimaster.http.HttpClientForTests.Answer;
import org.opentest4j.TestAbortedException;

/**
 * Random query strings against the data API (random fields, operators, values and encodings):
 * no input is answered with a 5xx, and every 400 carries a JSON error body. Run on every database by
 * a tiny subclass: what a value does to a statement differs between them (PostgreSQL refuses a NUL
 * character in any parameter).
 */
@AddLifecycleHook(QueryFuzzContract.SkipWithoutDatabase.class)
abstract class QueryFuzzContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private ServedApi served;
    private HttpClientForTests http;
    private Path dir;

    /** The database under test; {@code dir} is a fresh temporary directory. */
    abstract TestDatabase database(Path dir);

    // Before the property, not before the container: the database is the subclass's. jqwik makes one
    // instance per property, and there is one property.
    @BeforeProperty
    void startServer() throws Exception {
        dir = Files.createTempDirectory("mm-fuzz");
        TestDatabase database = database(dir);
        database.reset();
        try (DbConnector db = DbConnector.open(database.url())) {
            long a = db.masters().findMasterId("a").join();
            db.masters().setMasterState(a, true).join();
            db.masters().findMasterId("B\u00e4r").join();
            long nightly = db.schedulers().findSchedulerId("nightly").join();
            db.schedulers().setSchedulerMaster(nightly, a).join();
            db.changeSources().findChangeSourceId("git").join();
        }
        served = ServedApi.on(database.url());
        http = new HttpClientForTests(served.base());
    }

    @AfterProperty
    void stopServer() throws IOException {
        if (served != null) {
            served.close();
        }
        delete(dir);
    }

    /**
     * Skips a subclass, outside CI, whose database server is unreachable (in CI the reset fails it):
     * jqwik reports an assumption that fails before a property as an error, not as a skip.
     */
    static final class SkipWithoutDatabase implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            Class<?> container = context.optionalContainerClass().orElse(null);
            if (container == null || Modifier.isAbstract(container.getModifiers())) {
                return SkipResult.doNotSkip();
            }
            QueryFuzzContract contract = (QueryFuzzContract) context.newInstance(container);
            try {
                Path dir = Files.createTempDirectory("mm-fuzz-check");
                try {
                    contract.database(dir).reset();
                } finally {
                    delete(dir);
                }
                return SkipResult.doNotSkip();
            } catch (TestAbortedException e) {
                return SkipResult.skip(e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Property(tries = 400)
    void shouldNeverAnswer5xxAndAlwaysExplainA400(
            @ForAll("paths") String path, @ForAll("queries") String query, @ForAll boolean json) throws Exception {
        String request = path + "?" + query;
        Answer answer = http.raw(request, json);

        assertThat(answer.status())
                .as("status of %s: %s", request, answer.body())
                .isBetween(200, 499);
        if (answer.status() >= 400) {
            JsonNode error = JSON.readTree(answer.body()).get("error");
            assertThat(error).as("error of %s: %s", request, answer.body()).isNotNull();
            assertThat(error.isTextual() && !error.asText().isBlank()).isTrue();
        } else {
            assertThat(JSON.readTree(answer.body()).has("meta"))
                    .as(answer.body())
                    .isTrue();
        }
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of(
                "/api/v2/masters",
                "/api/v2/masters/1",
                "/api/v2/masters/2",
                "/api/v2/schedulers",
                "/api/v2/schedulers/1",
                "/api/v2/changesources",
                "/api/v2/masters/1/schedulers",
                "/api/v2/masters/1/changesources/1");
    }

    @Provide
    Arbitrary<String> queries() {
        return parameter().list().ofMinSize(0).ofMaxSize(6).map(list -> String.join("&", list));
    }

    private Arbitrary<String> parameter() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of(
                        "field",
                        "order",
                        "limit",
                        "offset",
                        "property",
                        "masterid",
                        "name",
                        "active",
                        "last_active",
                        "schedulerid",
                        "enabled",
                        "master",
                        "changesourceid",
                        "bogus",
                        "",
                        "__",
                        "name__"),
                Arbitraries.strings().ofMaxLength(8));
        Arbitrary<String> operators = Arbitraries.oneOf(
                Arbitraries.of("", "__eq", "__ne", "__lt", "__le", "__gt", "__ge", "__contains", "__in", "__notin"),
                Arbitraries.strings().ofMaxLength(6).map(s -> "__" + s));
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of(
                        "",
                        "1",
                        "-1",
                        "0",
                        "+2",
                        " 3 ",
                        "1_0",
                        "_1",
                        "99999999999999999999999999",
                        "1.5",
                        "1e3",
                        "true",
                        "FALSE",
                        "on",
                        "No",
                        "maybe",
                        "name",
                        "-name",
                        "--name",
                        "-",
                        "masterid",
                        "last_active",
                        "2026-11-28T10:00:00Z",
                        "2026-11-28T10:00:00.5Z",
                        "1348971992",
                        "a",
                        "B\u00e4r",
                        "\u0663",
                        "\ud83d\ude00",
                        "\u0000",
                        "a\u0000",
                        "B\u00e4r\u0000b"),
                Arbitraries.strings().ofMaxLength(12));
        return Combinators.combine(names, operators, values, encodings())
                .as((name, op, value, encoding) -> encoding.encode(name + op) + "=" + encoding.encode(value));
    }

    private Arbitrary<Encoding> encodings() {
        return Arbitraries.of(Encoding.values());
    }

    /** Ways a client may write a value into a query string. */
    enum Encoding {
        /** Every byte percent-encoded. */
        ALL {
            @Override
            String encode(String text) {
                StringBuilder out = new StringBuilder();
                for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                    out.append(String.format("%%%02X", b & 0xff));
                }
                return out.toString();
            }
        },
        /** Unreserved characters as they are, spaces as +, the rest percent-encoded. */
        FORM {
            @Override
            String encode(String text) {
                return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
            }
        },
        /** Latin-1 bytes (not UTF-8) percent-encoded, plus a stray % and a raw ; now and then. */
        BROKEN {
            @Override
            String encode(String text) {
                StringBuilder out = new StringBuilder();
                for (char c : text.toCharArray()) {
                    out.append(c < 0x100 ? String.format("%%%02X", (int) c) : "%FF");
                }
                return out.append(text.length() % 3 == 0 ? "%" : text.length() % 3 == 1 ? "%zz" : ";")
                        .toString();
            }
        };

        abstract String encode(String text);

        static List<Encoding> all() {
            return List.of(values());
        }
    }
}
