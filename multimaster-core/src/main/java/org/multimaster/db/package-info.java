/**
 * Public API of multimaster's database layer: open a {@link org.multimaster.db.DbConnector} on a
 * Buildbot-compatible database and use its {@link org.multimaster.db.MastersConnector}.
 */
@NullMarked
package org.multimaster.db;

import org.jspecify.annotations.NullMarked;
