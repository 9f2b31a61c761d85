/** The JSON of Buildbot's data API, shared by the CLI and the HTTP API. */
@NullMarked
package org.multimaster.json;

import org.jspecify.annotations.NullMarked;
