/** JMH benchmarks of every masters connector method on SQLite, PostgreSQL and MariaDB. */
@NullMarked
package org.multimaster.bench.jmh;

import org.jspecify.annotations.NullMarked;
