package org.multimaster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multimaster.db.DbConnector;
import org.multimaster.db.MasterModel;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.testing.TestDatabase;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Build Masters page in a real headless browser (Debian's chromium through its chromedriver,
 * driven by Selenium; nothing is downloaded): it lists the masters of a real database, a master
 * killed during the test turns inactive without a reload, filters and sorting work, and it fits a
 * phone's screen.
 */
class BuildMastersPageIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    TestDatabase database;
    final List<Daemon> daemons = new ArrayList<>();
    ChromeDriver browser;

    @BeforeEach
    void startBrowser() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
            assumeTrue(present, "install the Debian packages chromium and chromium-driver (see .ci/run)");
        }
        assertThat(present).as("chromium and chromedriver in /usr/bin").isTrue();
        database = TestDatabase.sqlite(dir.resolve("db"));
        database.reset();
        DbConnector.open(database.url()).close();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")),
                "--window-size=1200,900");
        // The driver's path is given, so Selenium Manager never looks for (or downloads) one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        daemons.forEach(Daemon::close);
    }

    private Daemon start(String name, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--heartbeat", "1s", "--expire", "4s"));
        all.addAll(List.of(args));
        Daemon daemon = Daemon.start(dir.resolve(name), database.url(), name, all);
        daemons.add(daemon);
        return daemon;
    }

    /** One row of the table as the page shows it, read in one script (the table re-renders live). */
    record Row(
            String name, String state, String lastActive, String exactTime, String schedulers, String changeSources) {}

    @SuppressWarnings("unchecked")
    private List<Row> rows() {
        List<List<String>> cells = (List<List<String>>) ((JavascriptExecutor) browser)
                .executeScript("return [...document.querySelectorAll('#masters tbody tr')].map(tr => ["
                        + "tr.querySelector('td.name').textContent, tr.querySelector('td.state .text').textContent,"
                        + "tr.querySelector('td.last abbr').textContent, tr.querySelector('td.last abbr').title,"
                        + "tr.querySelector('td.schedulers').textContent,"
                        + "tr.querySelector('td.changesources').textContent]);");
        return cells.stream()
                .map(c -> new Row(c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5)))
                .toList();
    }

    private Row row(String name) {
        return rows().stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name + " in " + rows()));
    }

    private boolean hasRow(String name, String state) {
        return rows().stream().anyMatch(r -> r.name().equals(name) && r.state().equals(state));
    }

    private List<String> names() {
        return rows().stream().map(Row::name).toList();
    }

    private void until(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, timeout)
                .withMessage(what)
                .pollingEvery(Duration.ofMillis(100))
                .until(d -> condition.getAsBoolean());
    }

    @Test
    void shouldShowTheMastersLiveFilterSortAndFitAPhone() throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO masters (id, name, name_hash, active, last_active)"
                    + " VALUES (50, 'old <b>one</b>', 'h50', 0, 1348971992)");
        }
        Daemon observer = start("observer", "--poll", "300ms", "--scheduler", "nightly");
        int port = observer.httpPort();
        Daemon victim = start("victim", "--no-http", "--changesource", "git");

        browser.get("http://127.0.0.1:" + port + "/");
        until(
                "both masters active and their claims shown",
                Duration.ofSeconds(60),
                () -> hasRow("observer", "active")
                        && hasRow("victim", "active")
                        && row("victim").changeSources().equals("git")
                        && row("observer").schedulers().equals("nightly"));
        assertThat(hasRow("old <b>one</b>", "inactive"))
                .as("a name is text, never HTML")
                .isTrue();
        assertThat(row("old <b>one</b>").lastActive()).matches("\\d+ d ago");
        assertThat(row("old <b>one</b>").exactTime()).isEqualTo("2012-09-30T02:26:32Z");
        assertThat(row("observer").lastActive()).matches("\\d+ s ago");
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("live");
        JavascriptExecutor js = browser;
        js.executeScript("window.__notReloaded = true;");

        victim.kill9();
        until(
                "the killed master to turn inactive without a reload",
                Duration.ofSeconds(30),
                () -> hasRow("victim", "inactive"));
        assertThat(js.executeScript("return window.__notReloaded === true;")).isEqualTo(true);
        until(
                "its change source to be released",
                Duration.ofSeconds(10),
                () -> row("victim").changeSources().equals("\u2013"));

        browser.findElement(By.cssSelector("#filter input[value=active]")).click();
        assertThat(names()).containsExactly("observer");
        browser.findElement(By.cssSelector("#filter input[value=inactive]")).click();
        assertThat(names()).containsExactlyInAnyOrder("victim", "old <b>one</b>");
        browser.findElement(By.cssSelector("#filter input[value=all]")).click();
        assertThat(names()).hasSize(3);

        WebElement byName = browser.findElement(By.cssSelector("th[data-sort=name] button"));
        byName.click();
        assertThat(names()).containsExactly("observer", "old <b>one</b>", "victim");
        assertThat(browser.findElement(By.cssSelector("th[data-sort=name]")).getAttribute("aria-sort"))
                .isEqualTo("ascending");
        byName.click();
        assertThat(names()).containsExactly("victim", "old <b>one</b>", "observer");
        browser.findElement(By.cssSelector("th[data-sort=active] button")).click();
        assertThat(names().get(2)).isEqualTo("observer");
        browser.findElement(By.cssSelector("th[data-sort=last_active] button")).click();
        assertThat(names().get(0)).isEqualTo("old <b>one</b>");

        browser.manage().window().setSize(new Dimension(375, 740));
        until(
                "the phone layout",
                Duration.ofSeconds(5),
                () -> ((Number) js.executeScript("return document.documentElement.clientWidth;")).intValue() <= 375);
        assertThat((Boolean) js.executeScript(
                        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;"))
                .as("no horizontal scrolling on a phone")
                .isTrue();
        // One script: the table re-renders live, so elements found one by one may go stale.
        assertThat((Boolean) js.executeScript("return [...document.querySelectorAll('#masters tbody td.name')]"
                        + ".every(td => { const r = td.getBoundingClientRect();"
                        + " return r.width > 0 && r.height > 0 && r.right <= window.innerWidth; });"))
                .as("every name shown within the phone's width")
                .isTrue();
        assertThat(browser.findElement(By.cssSelector("#filter input[value=active]"))
                        .isDisplayed())
                .isTrue();
        Object external = js.executeScript("return performance.getEntriesByType('resource')"
                + ".map(e => e.name).filter(n => !n.startsWith(location.origin));");
        assertThat((List<?>) external).as("assets from elsewhere").isEmpty();
    }

    /**
     * Serves the page on the database, given masters 1..N (active, last checked in in 2012: an
     * observer expires nobody); its port. Active, as only an active master checks in: the watcher's
     * polls read the active masters, and an inactive row changed by hand only once a minute.
     */
    private int observe(int masters) throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            for (int id = 1; id <= masters; id++) {
                s.executeUpdate("INSERT INTO masters (id, name, name_hash, active, last_active)" + " VALUES (" + id
                        + ", 'master-" + id + "', 'h" + id + "', 1, 1348971992)");
            }
        }
        Daemon observer = Daemon.command(
                dir.resolve("observer"),
                "observer",
                List.of("serve", "--db", database.url(), "--http", "127.0.0.1:0", "--poll", "300ms"));
        daemons.add(observer);
        return observer.httpPort();
    }

    private void openLive(int port, int masters) {
        browser.get("http://127.0.0.1:" + port + "/");
        until(
                "the page to list the masters, live",
                Duration.ofSeconds(60),
                () -> rows().size() == masters
                        && browser.findElement(By.id("status")).getText().equals("live"));
    }

    /** Runs {@code body} (JavaScript, given {@code records}) at each change of the table's elements. */
    private void onTableChanges(String body) {
        browser.executeScript("new MutationObserver(records => { " + body + " })"
                + ".observe(document.getElementById('masters'), { childList: true, subtree: true });");
    }

    private void checkIn(String where, long lastActive) throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE masters SET last_active = " + lastActive + where);
        }
    }

    /**
     * Sorted by name, the page shows the masters in the data API's order: by code point, which is
     * UTF-8's byte order. JavaScript's {@code <} compares UTF-16 units, which put a character above
     * U+FFFF (written as two surrogates, from U+D800) before U+E000 to U+FFFF.
     */
    @Test
    void shouldSortNamesInTheOrderOfTheDataApi() throws Exception {
        List<String> names = List.of("zeta", "Zeta", "\ufffd replaced", "\ud83d\ude00 grinning", "\ue000 private", "a");
        List<String> byName;
        try (DbConnector db = DbConnector.open(database.url())) {
            for (String name : names) {
                db.masters().findMasterId(name).join();
            }
            byName = db.masters().getMasters(ResultSpec.builder().order("name").build()).join().items().stream()
                    .map(MasterModel::name)
                    .toList();
        }
        Daemon observer = Daemon.command(
                dir.resolve("observer"),
                "observer",
                List.of("serve", "--db", database.url(), "--http", "127.0.0.1:0", "--poll", "300ms"));
        daemons.add(observer);
        openLive(observer.httpPort(), names.size());

        WebElement sortByName = browser.findElement(By.cssSelector("th[data-sort=name] button"));
        sortByName.click();
        assertThat(names()).containsExactlyElementsOf(byName);
        List<String> descending = new ArrayList<>(byName);
        Collections.reverse(descending);
        sortByName.click();
        assertThat(names()).containsExactlyElementsOf(descending);
    }

    /**
     * The watcher publishes every master that checked in since its last poll at once, one event each:
     * the page draws them in one go. Drawn once per event, a page of a thousand masters rebuilt a
     * thousand rows for each of them.
     */
    @Test
    void shouldDrawABurstOfEventsOnceNotOncePerEvent() throws Exception {
        int masters = 100;
        openLive(observe(masters), masters);
        JavascriptExecutor js = browser;
        js.executeScript("window.__drawings = 0;");
        // Each drawing changes the table in one task, which the observer reports in one call.
        onTableChanges("window.__drawings++;");

        checkIn("", 1500000000);
        until(
                "every master's new last check-in on the page",
                Duration.ofSeconds(30),
                () -> rows().stream().allMatch(r -> r.exactTime().equals("2017-07-14T02:40:00Z")));

        long drawings = ((Number) js.executeScript("return window.__drawings;")).longValue();
        assertThat(drawings).as("drawings for %s events", masters).isBetween(1L, 5L);
    }

    /** A check-in changes its master's row only: the other rows stay the elements they were. */
    @Test
    void shouldRedrawOnlyTheRowOfTheMasterThatCheckedIn() throws Exception {
        int masters = 100;
        openLive(observe(masters), masters);
        JavascriptExecutor js = browser;
        js.executeScript("window.__rows = () => [1, 2, 100].map(id =>"
                + " document.querySelector('#masters tbody tr[data-masterid=\"' + id + '\"]'));"
                + "window.__before = window.__rows();"
                + "window.__added = 0;");
        onTableChanges("records.forEach(r => { window.__added += r.addedNodes.length; });");

        checkIn(" WHERE id = 2", 1500000000);
        until(
                "master 2's new last check-in on the page",
                Duration.ofSeconds(30),
                () -> row("master-2").exactTime().equals("2017-07-14T02:40:00Z"));

        assertThat(js.executeScript("return window.__rows().map((tr, i) => tr === window.__before[i]);"))
                .as("masters 1, 2 and 100 are the same elements as before")
                .isEqualTo(List.of(true, false, true));
        assertThat(((Number) js.executeScript("return window.__added;")).longValue())
                .as("elements added to the table")
                .isEqualTo(1L);
        assertThat(rows()).hasSize(masters);
        assertThat(row("master-1").exactTime()).isEqualTo("2012-09-30T02:26:32Z");
    }
}
