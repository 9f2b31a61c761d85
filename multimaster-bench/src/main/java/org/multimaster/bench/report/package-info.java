/**
 * Turns the JSON that {@code multimaster bench --json} and the footprint script print into the
 * charts and tables of {@code docs/PERFORMANCE.md}, and checks the targets against them.
 */
@NullMarked
package org.multimaster.bench.report;

import org.jspecify.annotations.NullMarked;
