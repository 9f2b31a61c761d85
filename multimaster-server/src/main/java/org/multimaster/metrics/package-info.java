/**
 * The daemon's metrics: Micrometer with a Prometheus registry, the JVM's and the connection pools'
 * own meters, and the running master's heartbeat, expiries, housekeeping and claims.
 */
@NullMarked
package org.multimaster.metrics;

import org.jspecify.annotations.NullMarked;
