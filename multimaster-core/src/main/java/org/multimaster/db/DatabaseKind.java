package org.multimaster.db;

/** The kinds of database multimaster supports; MariaDB is a {@link #MYSQL} database. */
public enum DatabaseKind {
    /** SQLite, the embedded default. */
    SQLITE,
    /** PostgreSQL. */
    POSTGRESQL,
    /** MySQL or MariaDB. */
    MYSQL
}
