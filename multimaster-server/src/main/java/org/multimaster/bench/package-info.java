/**
 * The benchmark harness behind {@code multimaster bench}: scenarios that time every masters
 * connector operation side by side with a bare JDBC floor and with real Buildbot's connector, on
 * the same database in the same run. The JMH benchmarks of the {@code multimaster-bench} module
 * reuse its {@link org.multimaster.bench.Workload}.
 */
@NullMarked
package org.multimaster.bench;

import org.jspecify.annotations.NullMarked;
