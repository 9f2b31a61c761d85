-- Buildbot's masters, schedulers and change sources tables, with Buildbot's names and types,
-- so that Buildbot can read and write a database multimaster created.
CREATE TABLE masters (
    id SERIAL NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_hash VARCHAR(40) NOT NULL,
    active INTEGER NOT NULL,
    last_active INTEGER NOT NULL
);
CREATE UNIQUE INDEX master_name_hashes ON masters (name_hash);

CREATE TABLE schedulers (
    id SERIAL NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_hash VARCHAR(40) NOT NULL,
    enabled SMALLINT DEFAULT 1
);
CREATE UNIQUE INDEX scheduler_name_hash ON schedulers (name_hash);

CREATE TABLE scheduler_masters (
    schedulerid INTEGER NOT NULL PRIMARY KEY REFERENCES schedulers (id) ON DELETE CASCADE,
    masterid INTEGER NOT NULL REFERENCES masters (id) ON DELETE CASCADE
);
CREATE INDEX scheduler_masters_masterid ON scheduler_masters (masterid);

CREATE TABLE changesources (
    id SERIAL NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_hash VARCHAR(40) NOT NULL
);
CREATE UNIQUE INDEX changesource_name_hash ON changesources (name_hash);

CREATE TABLE changesource_masters (
    changesourceid INTEGER NOT NULL PRIMARY KEY REFERENCES changesources (id) ON DELETE CASCADE,
    masterid INTEGER NOT NULL REFERENCES masters (id) ON DELETE CASCADE
);
CREATE INDEX changesource_masters_masterid ON changesource_masters (masterid);
