package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.multimaster.db.testing.Passwords;

/**
 * Passwords of any characters, in every form of URL: the parse finds exactly the password, and
 * neither {@link DatabaseUrl#toString()}, {@link DatabaseUrl#jdbcUrl()} nor {@link DatabaseUrl#redact}
 * shows it.
 */
class DatabaseUrlPropertyTest {

    @Provide
    static Arbitrary<String> passwords() {
        return Passwords.any();
    }

    static String encoded(String password) {
        return Passwords.encoded(password);
    }

    @Property(tries = 500)
    void shouldTakeARawPasswordOutOfABuildbotUrlAndNeverShowIt(@ForAll("passwords") String password) {
        Assume.that(password.strip().equals(password));
        // The text around the password must not be part of it: a password "x" rightly hides every x.
        Assume.that(password.indexOf('x') < 0 && UrlParts.decode(password).indexOf('x') < 0);
        String given = "postgresql://bb:" + password + "@db.example.org:5432/buildbot";

        DatabaseUrl url = DatabaseUrl.parse(given);

        assertThat(url.password()).contains(UrlParts.decode(password));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.org:5432/buildbot");
        assertThat(url).hasToString("postgresql://bb:***@db.example.org:5432/buildbot");
        assertThat(DatabaseUrl.redact(given)).isEqualTo(url.toString());
        assertThat(url.hidePasswordIn("x" + password + "x")).isEqualTo("x***x");
    }

    @Property(tries = 500)
    void shouldTakeAnEncodedPasswordOutOfEveryFormOfUrl(@ForAll("passwords") String password) {
        String e = encoded(password);
        // Each form with {} where the password goes, and the JDBC URL it stands for.
        Map<String, String> forms = Map.of(
                "postgresql://bb:{}@db.example.org/buildbot", "jdbc:postgresql://db.example.org/buildbot",
                "mysql+pymysql://bb:{}@db.example.org:3306/buildbot?max_idle=300",
                        "jdbc:mariadb://db.example.org:3306/buildbot",
                "postgresql://bb@/buildbot?host=h1:5432&host=h2:5433&password={}&target_session_attrs=read-write",
                        "jdbc:postgresql://h1:5432,h2:5433/buildbot?targetServerType=primary",
                "jdbc:postgresql://h1:5432,h2:5433/buildbot?user=bb&password={}&targetServerType=primary",
                        "jdbc:postgresql://h1:5432,h2:5433/buildbot?targetServerType=primary",
                "jdbc:postgresql://db.example.org/buildbot?PASSWORD={}", "jdbc:postgresql://db.example.org/buildbot",
                "jdbc:postgresql://bb:{}@db.example.org/buildbot", "jdbc:postgresql://db.example.org/buildbot",
                "jdbc:mysql://bb:{}@db.example.org:3306/buildbot", "jdbc:mariadb://db.example.org:3306/buildbot",
                "jdbc:mariadb://db.example.org/buildbot?user=bb&password={}", "jdbc:mariadb://db.example.org/buildbot");
        forms.forEach((form, jdbc) -> {
            String given = form.replace("{}", e);

            DatabaseUrl url = DatabaseUrl.parse(given);

            assertThat(url.password()).as(given).contains(password);
            assertThat(url.jdbcUrl()).as(given).isEqualTo(jdbc);
            assertThat(url).as(given).hasToString(form.replace("{}", "***"));
            assertThat(DatabaseUrl.redact(given)).as(given).isEqualTo(url.toString());
        });
    }

    @Property(tries = 500)
    void shouldHideThePasswordOfAUrlInQuotesAfterOtherTextOrWithoutItsScheme(@ForAll("passwords") String password) {
        String e = encoded(password);
        for (String form : new String[] {
            "\"postgresql://bb:{}@db.example.org/buildbot\"",
            "'mysql+pymysql://bb:{}@db.example.org:3306/buildbot'",
            "MULTIMASTER_DB=postgresql://bb:{}@db.example.org/buildbot",
            "\"jdbc:postgresql://db.example.org/buildbot?user=bb&password={}\"",
            "bb:{}@db.example.org/buildbot",
            "db.example.org/buildbot?password={}"
        }) {
            String given = form.replace("{}", e);

            assertThat(DatabaseUrl.redact(given)).as(given).isEqualTo(form.replace("{}", "***"));
        }
    }

    @Property(tries = 500)
    void shouldTakeARawPasswordOutOfAMariadbAddress(@ForAll("passwords") String password) {
        Assume.that(password.indexOf('(') < 0 && password.indexOf(')') < 0);
        String given = "jdbc:mariadb://address=(host=db.example.org)(port=3306)(password=" + password + ")/buildbot";

        DatabaseUrl url = DatabaseUrl.parse(given);

        assertThat(url.password()).contains(password);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:mariadb://address=(host=db.example.org)(port=3306)/buildbot");
        assertThat(url).hasToString("jdbc:mariadb://address=(host=db.example.org)(port=3306)(password=***)/buildbot");
    }
}
