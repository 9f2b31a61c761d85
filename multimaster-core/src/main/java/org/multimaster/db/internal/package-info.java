/**
 * Implementation of the database layer: the JDBC connectors, SQL dialects and schema handling.
 * Not API: may change in any release.
 */
@NullMarked
package org.multimaster.db.internal;

import org.jspecify.annotations.NullMarked;
