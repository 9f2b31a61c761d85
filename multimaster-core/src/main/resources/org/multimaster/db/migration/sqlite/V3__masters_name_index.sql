-- A page of masters ordered by name (the data API's ?order=name, 'list --order name') reads the
-- first rows of this index instead of sorting every master. SQLite's default BINARY collation is
-- the code-point order that multimaster sorts names in; the rowid (id), the tie-breaker, ends
-- every index entry.
CREATE INDEX masters_name ON masters (name);
