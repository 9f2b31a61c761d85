/**
 * The multi-master runtime: one master's lifecycle (registration, check-ins, expiry of silent
 * peers with exactly-once housekeeping, claims of schedulers and change sources, failover).
 */
@NullMarked
package org.multimaster.runtime;

import org.jspecify.annotations.NullMarked;
