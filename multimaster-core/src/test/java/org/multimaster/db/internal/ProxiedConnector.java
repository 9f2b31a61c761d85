package org.multimaster.db.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.multimaster.db.DatabaseUrl;
import org.multimaster.db.DbConnector;
import org.multimaster.db.TimeSource;

/**
 * Opens a connector of one pooled connection whose JDBC calls pass through datasource-proxy, between
 * the pool and the driver, so that a test sees every statement the connector sends.
 */
final class ProxiedConnector {

    private ProxiedConnector() {}

    /**
     * @param url the database, whose schema exists
     * @param listeners adds the test's listeners to the proxy
     */
    static DbConnector open(String url, UnaryOperator<ProxyDataSourceBuilder> listeners) {
        return JdbcDbConnector.open(
                new JdbcDbConnector.Settings(
                        DatabaseUrl.parse(url),
                        Clock.systemUTC(),
                        TimeSource.APPLICATION,
                        1,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(10),
                        false,
                        "multimaster",
                        null),
                driver -> listeners.apply(ProxyDataSourceBuilder.create(driver)).build());
    }
}
