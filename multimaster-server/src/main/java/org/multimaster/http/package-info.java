/**
 * The daemon's HTTP server: Buildbot's data API ({@code /api/v2}), its live event stream, the Build
 * Masters page, Prometheus metrics and a health check, on Jetty. {@link HttpServer} is the entry
 * point; everything else is package-private.
 */
@NullMarked
package org.multimaster.http;

import org.jspecify.annotations.NullMarked;
