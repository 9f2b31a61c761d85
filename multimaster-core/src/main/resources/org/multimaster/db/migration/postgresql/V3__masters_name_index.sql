-- A page of masters ordered by name (the data API's ?order=name, 'list --order name') reads the
-- first rows of this index instead of sorting every master. multimaster sorts names by code point,
-- as Buildbot does in Python, i.e. in the "C" collation whatever the database's default, so the
-- index is in that collation, with the id that breaks ties.
CREATE INDEX masters_name ON masters (name COLLATE "C", id);
