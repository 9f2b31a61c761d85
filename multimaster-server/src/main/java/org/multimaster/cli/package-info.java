/**
 * The {@code multimaster} command line: one picocli command per operator task, each opening the
 * database named by {@code --db} and printing text or, with {@code --json}, Buildbot's JSON shapes.
 */
@NullMarked
package org.multimaster.cli;

import org.jspecify.annotations.NullMarked;
