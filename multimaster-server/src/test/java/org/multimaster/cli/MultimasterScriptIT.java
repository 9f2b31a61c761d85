package org.multimaster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.testing.TestEnvironment;

/**
 * Runs the real {@code bin/multimaster} as a process on the jar that {@code package} built (failsafe
 * runs it in {@code integration-test}): stdout holds only the command's output, stderr holds no log
 * noise, exit codes reach the shell, and the default database is {@code state.sqlite} in the
 * working directory.
 */
class MultimasterScriptIT {

    private static final Path ROOT = Path.of(System.getProperty("multimaster.root", ".."))
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path workDir;

    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void requireTheJar() {
        assumeTrue(
                Files.exists(ROOT.resolve("multimaster-server/target/multimaster.jar")),
                "multimaster.jar is not built; run ./mvnw -B verify");
    }

    private Run multimaster(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin/multimaster").toString());
        command.addAll(List.of(args));
        return execute(command, Map.of());
    }

    /**
     * Runs {@code bin/multimaster} from {@code sh -c}, whose {@code printf} can put bytes into an
     * argument that a Java string cannot hold, in the given locale ({@code LC_ALL}).
     */
    private Run multimasterInShell(String locale, String arguments) throws IOException, InterruptedException {
        return multimasterInShell(Map.of("LC_ALL", locale), arguments);
    }

    /** As above, with only the given locale variables set (no LC_ALL, LC_CTYPE or LANG otherwise). */
    private Run multimasterInShell(Map<String, String> locale, String arguments)
            throws IOException, InterruptedException {
        return execute(
                List.of(
                        "sh",
                        "-c",
                        "exec \"$0\" " + arguments,
                        ROOT.resolve("bin/multimaster").toString()),
                locale);
    }

    private Run execute(List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("MULTIMASTER_DB");
        builder.environment().remove("MULTIMASTER_JAVA_OPTS");
        if (environment.keySet().stream().anyMatch(name -> name.startsWith("LC_") || name.equals("LANG"))) {
            builder.environment().keySet().removeIf(name -> name.startsWith("LC_") || name.equals("LANG"));
        }
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("bin/multimaster %s finished", command)
                .isTrue();
        Run run = new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    @Test
    void shouldManageMastersInStateSqliteOfTheWorkingDirectory() throws Exception {
        assertThat(multimaster("list"))
                .isEqualTo(new Run(
                        3,
                        "",
                        "multimaster: database sqlite:///state.sqlite does not exist (no file "
                                + workDir.toRealPath().resolve("state.sqlite")
                                + "); check --db or $MULTIMASTER_DB, or run 'multimaster upgrade' to create it\n"));

        assertThat(multimaster("upgrade"))
                .isEqualTo(new Run(
                        0,
                        "created multimaster's schema (version 3) in database sqlite:///state.sqlite\n"
                                + "no master is registered; nothing to mark\n",
                        ""));
        assertThat(workDir.resolve("state.sqlite")).exists();
        assertThat(multimaster("find", "host:/srv/a")).isEqualTo(new Run(0, "1\n", ""));
        assertThat(multimaster("activate", "1", "--json")).isEqualTo(new Run(0, "{\"changed\":true}\n", ""));

        Run list = multimaster("list", "--json");
        assertThat(list.exitCode()).isZero();
        assertThat(list.err()).isEmpty();
        assertThat(list.out())
                .matches("\\{\"masters\":\\[\\{\"active\":true,\"last_active\":\\d+,\"masterid\":1,"
                        + "\"name\":\"host:/srv/a\"}],\"meta\":\\{\"total\":1}}\n");

        assertThat(multimaster("show", "2"))
                .isEqualTo(new Run(1, "", "multimaster: no master has id 2; 'multimaster list' shows the masters\n"));
        assertThat(multimaster("bogus").exitCode()).isEqualTo(2);
    }

    @Test
    void shouldFindItsJarWhenRunThroughALinkAsAnInstallIntoABinDirectoryMakesIt() throws Exception {
        // usr/bin/multimaster -> ../../opt/multimaster/bin/multimaster (relative), opt/multimaster ->
        // the checkout, and a link to that link from another directory.
        Path opt = Files.createDirectories(workDir.resolve("opt"));
        Files.createSymbolicLink(opt.resolve("multimaster"), ROOT);
        Path usrBin = Files.createDirectories(workDir.resolve("usr/bin"));
        Path installed = Files.createSymbolicLink(
                usrBin.resolve("multimaster"), Path.of("../../opt/multimaster/bin/multimaster"));
        Path chained = Files.createSymbolicLink(workDir.resolve("mm"), installed);

        for (Path link : List.of(installed, chained)) {
            Run run = execute(List.of(link.toString(), "--version"), Map.of());

            assertThat(run.err()).as("through %s", link).isEmpty();
            assertThat(run.out()).as("through %s", link).startsWith("multimaster " + Version.number() + "\n");
            assertThat(run.exitCode()).as("through %s", link).isZero();
        }
    }

    @Test
    void shouldPrintTheVersionThatTheJarWasBuiltWith() throws Exception {
        Run run = multimaster("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith("multimaster " + Version.number() + "\nJava ");
        assertThat(workDir.resolve("state.sqlite")).doesNotExist();
    }

    @Test
    void shouldExitWith3AndHideThePasswordWhenTheDatabaseIsUnreachable() throws Exception {
        Run run = multimaster("list", "--db", "postgresql://u:secret@127.0.0.1:1/x");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith("multimaster: cannot connect to postgresql://u:***@127.0.0.1:1/x: ")
                .doesNotContain("secret")
                .doesNotContain("\tat ")
                .hasLineCount(1);
    }

    /**
     * A command on a server database never loads SQLite's native library, so a library that cannot
     * load (here: neither from the given path nor by extraction to a missing temporary directory) adds
     * nothing to its one line of error.
     */
    @Test
    void shouldNotTouchSqliteForAServerDatabase() throws Exception {
        Run run = execute(
                List.of(
                        ROOT.resolve("bin/multimaster").toString(),
                        "list",
                        "--db",
                        "postgresql://u:secret@127.0.0.1:1/x"),
                Map.of("MULTIMASTER_JAVA_OPTS", "-Dorg.sqlite.lib.path=/nonexistent -Djava.io.tmpdir=/nonexistent"));

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err())
                .startsWith("multimaster: cannot connect to postgresql://u:***@127.0.0.1:1/x: ")
                .doesNotContainIgnoringCase("sqlite")
                .hasLineCount(1);
    }

    @Test
    void shouldKeepNonAsciiNamesApartUnderTheCLocale() throws Exception {
        // printf's octal escapes are the UTF-8 bytes of 中国 and 日本: the shell passes them as they are.
        assertThat(multimasterInShell("C", "find \"$(printf 'hallo-\\344\\270\\255\\345\\233\\275')\""))
                .isEqualTo(new Run(0, "1\n", ""));
        assertThat(multimasterInShell("C", "find \"$(printf 'hallo-\\346\\227\\245\\346\\234\\254')\""))
                .isEqualTo(new Run(0, "2\n", ""));
        assertThat(multimasterInShell("C", "find \"$(printf 'hallo-\\344\\270\\255\\345\\233\\275')\""))
                .isEqualTo(new Run(0, "1\n", ""));

        Run list = multimasterInShell("C", "list --json");
        assertThat(list.out())
                .contains("\"masterid\":1,\"name\":\"hallo-\\u4e2d\\u56fd\"")
                .contains("\"masterid\":2,\"name\":\"hallo-\\u65e5\\u672c\"");
        assertThat(multimasterInShell("C", "show 2").out()).contains("name:        hallo-\u65e5\u672c\n");
    }

    /**
     * picocli's classes are compiled for Java 5, which JDK 17's dynamic class-data archive leaves out;
     * the static archive bin/multimaster makes holds them, so a command loads them from it.
     */
    @Test
    void shouldLoadPicocliFromTheClassDataArchive() throws Exception {
        Path log = workDir.resolve("class-load.log");

        Run run = execute(
                List.of(ROOT.resolve("bin/multimaster").toString(), "--help"),
                Map.of("MULTIMASTER_JAVA_OPTS", "-Xlog:class+load=info:file=" + log));

        assertThat(run.exitCode()).isZero();
        assertThat(Files.readAllLines(log))
                .anySatisfy(line -> assertThat(line).contains(" picocli.CommandLine source: shared objects file"));
    }

    /**
     * A command loads no class of the jar from the jar itself: all are in the archive. A lambda of one
     * of picocli's Java 5 interfaces would leave that interface, and what uses it, out of the archive.
     * Nor does it look for Groovy's closures, which picocli does unless told not to.
     */
    @Test
    void shouldLoadEveryClassOfTheJarThatAListNeedsFromTheClassDataArchive() throws Exception {
        Path log = workDir.resolve("class-load.log");
        assertThat(multimaster("find", "m").exitCode()).isZero();

        Run run = execute(
                List.of(ROOT.resolve("bin/multimaster").toString(), "list"),
                Map.of("MULTIMASTER_JAVA_OPTS", "-Xlog:class+load=info,exceptions=info:file=" + log));

        assertThat(run.exitCode()).isZero();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains("groovy"));
        assertThat(lines)
                .anySatisfy(line -> assertThat(line).contains(" org.multimaster.cli.ListCommand source: shared"));
        assertThat(lines).filteredOn(line -> line.contains(" source: file:")).isEmpty();
    }

    /** The jar's only SLF4J provider is multimaster's, which sets logback up without its own start-up work. */
    @Test
    void shouldLogThroughMultimastersOwnProvider() throws Exception {
        assertThat(multimaster("find", "m").exitCode()).isZero();

        Run run = execute(
                List.of(ROOT.resolve("bin/multimaster").toString(), "list"),
                Map.of("MULTIMASTER_JAVA_OPTS", "-Dslf4j.internal.verbosity=DEBUG"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.err())
                .isEqualTo("SLF4J(D): Connected with provider of type [org.multimaster.cli.LogProvider]\n");
    }

    /**
     * bin/multimaster tells an ASCII locale by its name where it can (unset, C, POSIX), and asks
     * {@code locale charmap} otherwise: a UTF-8 locale that is not installed is ASCII to Java too.
     */
    @Test
    void shouldKeepNonAsciiNamesApartWhateverLocaleTheEnvironmentNames() throws Exception {
        List<Map<String, String>> locales = List.of(
                Map.of("LC_UNUSED", "none of LC_ALL, LC_CTYPE and LANG"),
                Map.of("LANG", "POSIX"),
                Map.of("LANG", "C.UTF-8", "LC_CTYPE", "C"),
                Map.of("LANG", "xx_XX.UTF-8"),
                Map.of("LC_ALL", "C.utf8"));
        String china = "find \"$(printf 'hallo-\\344\\270\\255\\345\\233\\275')\"";
        String japan = "find \"$(printf 'hallo-\\346\\227\\245\\346\\234\\254')\"";
        for (Map<String, String> locale : locales) {
            assertThat(multimasterInShell(locale, china)).as("%s", locale).isEqualTo(new Run(0, "1\n", ""));
            assertThat(multimasterInShell(locale, japan)).as("%s", locale).isEqualTo(new Run(0, "2\n", ""));
        }
    }

    @Test
    void shouldRefuseANameThatIsNotValidUtf8AndStoreNothing() throws Exception {
        assertThat(multimaster("upgrade").exitCode()).isZero();

        for (String locale : List.of("C", "C.UTF-8")) {
            Run run = multimasterInShell(locale, "find \"$(printf 'hallo-\\377')\"");

            assertThat(run.exitCode()).as(locale).isEqualTo(2);
            assertThat(run.out()).as(locale).isEmpty();
            assertThat(run.err())
                    .as(locale)
                    .isEqualTo("multimaster: argument 2 is not valid UTF-8 text (the locale's encoding): its"
                            + " undecodable bytes all read as U+FFFD, so different names would become one; give it"
                            + " in UTF-8, under a UTF-8 locale\n");
        }
        assertThat(multimaster("list", "--json").out()).isEqualTo("{\"masters\":[],\"meta\":{\"total\":0}}\n");
    }

    @Test
    void shouldRunOnANewerJavaWithoutItsWarningAboutSqlitesNativeLibrary() throws Exception {
        // JDK 22 and later warn on stderr, at every command, when a library of the class path loads
        // native code, unless the jar's manifest enables native access.
        Path newer = newerJdk();
        Map<String, String> environment = Map.of(
                "JAVA_HOME",
                newer.toString(),
                "PATH",
                newer.resolve("bin") + ":" + System.getenv("PATH"),
                // An archive made by another JVM would be ignored by the others' runs in this class.
                "MULTIMASTER_CDS",
                "off");
        String bin = ROOT.resolve("bin/multimaster").toString();

        Run version = execute(List.of(bin, "--version"), environment);
        Run upgrade = execute(List.of(bin, "upgrade"), environment);
        Run list = execute(List.of(bin, "list", "--json"), environment);

        assertThat(version.out()).contains("\nJava " + javaVersion(newer));
        assertThat(upgrade).extracting(Run::exitCode, Run::err).containsExactly(0, "");
        assertThat(list).isEqualTo(new Run(0, "{\"masters\":[],\"meta\":{\"total\":0}}\n", ""));
    }

    /** A JDK of version 22 or later under /usr/lib/jvm (the machine's second JDK). */
    private static Path newerJdk() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        Path found = null;
        if (Files.isDirectory(jvms)) {
            try (var dirs = Files.list(jvms)) {
                for (Path dir : dirs.sorted().toList()) {
                    String version = javaVersion(dir);
                    if (Files.isExecutable(dir.resolve("bin/java"))
                            && version.matches("\\d+.*")
                            && Integer.parseInt(version.split("\\D", 2)[0]) >= 22) {
                        found = dir;
                    }
                }
            }
        }
        TestEnvironment.require(found != null, "no JDK 22 or later under /usr/lib/jvm; install one to run this test");
        return found;
    }

    /** The JAVA_VERSION of a JDK's release file, or "" without one. */
    private static String javaVersion(Path jdk) throws IOException {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release)) {
            return "";
        }
        return Files.readAllLines(release).stream()
                .filter(line -> line.startsWith("JAVA_VERSION="))
                .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", ""))
                .findFirst()
                .orElse("");
    }

    @Test
    void shouldSayWhatToDoWhenTheSqliteFileIsNotWritableByTheReader() throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "runs the reader as another user, which needs root; skipped");
        Path shared = Files.createTempDirectory("mm-readonly");
        try {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            String url = "sqlite:///" + shared.resolve("state.sqlite");
            assertThat(multimaster("find", "a", "--db", url).out()).isEqualTo("1\n");

            Run refused = asNobody("list", "--db", url);
            Run readOnly = asNobody(
                    "show",
                    "1",
                    "--json",
                    "--db",
                    "jdbc:sqlite:file:" + shared.resolve("state.sqlite") + "?mode=ro&immutable=1");

            assertThat(refused)
                    .isEqualTo(new Run(
                            3,
                            "",
                            "multimaster: cannot open " + url + ": the file " + shared.resolve("state.sqlite")
                                    + " or its directory " + shared + " is not writable by this user, and SQLite"
                                    + " writes its -wal and -shm files beside the database even to read it; run as the"
                                    + " user that owns them or make both writable, or read it (while no master writes"
                                    + " to it) with --db 'jdbc:sqlite:file:" + shared.resolve("state.sqlite")
                                    + "?mode=ro&immutable=1'\n"));
            assertThat(readOnly.exitCode()).as(readOnly.toString()).isZero();
            assertThat(readOnly.out()).contains("\"masterid\":1,\"name\":\"a\"");
        } finally {
            try (var files = Files.list(shared)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(shared);
        }
    }

    /** Runs {@code bin/multimaster} as the user nobody (needs root). */
    private Run asNobody(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "runuser", "-u", "nobody", "--", ROOT.resolve("bin/multimaster").toString()));
        command.addAll(List.of(args));
        return execute(command, Map.of());
    }
}
