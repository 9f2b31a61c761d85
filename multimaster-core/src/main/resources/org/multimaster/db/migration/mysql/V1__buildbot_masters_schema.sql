-- Buildbot's masters, schedulers and change sources tables, with Buildbot's names and types,
-- so that Buildbot can read and write a database multimaster created. utf8mb4 stores any
-- Unicode name; lookups go through name_hash, so the collation never decides identity.
CREATE TABLE masters (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name TEXT NOT NULL,
    name_hash VARCHAR(40) NOT NULL,
    active INTEGER NOT NULL,
    last_active INTEGER NOT NULL,
    UNIQUE INDEX master_name_hashes (name_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE schedulers (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name TEXT NOT NULL,
    name_hash VARCHAR(40) NOT NULL,
    enabled SMALLINT DEFAULT 1,
    UNIQUE INDEX scheduler_name_hash (name_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE scheduler_masters (
    schedulerid INTEGER NOT NULL PRIMARY KEY,
    masterid INTEGER NOT NULL,
    INDEX scheduler_masters_masterid (masterid),
    FOREIGN KEY (schedulerid) REFERENCES schedulers (id) ON DELETE CASCADE,
    FOREIGN KEY (masterid) REFERENCES masters (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE changesources (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name TEXT NOT NULL,
    name_hash VARCHAR(40) NOT NULL,
    UNIQUE INDEX changesource_name_hash (name_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE changesource_masters (
    changesourceid INTEGER NOT NULL PRIMARY KEY,
    masterid INTEGER NOT NULL,
    INDEX changesource_masters_masterid (masterid),
    FOREIGN KEY (changesourceid) REFERENCES changesources (id) ON DELETE CASCADE,
    FOREIGN KEY (masterid) REFERENCES masters (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
