-- Expiry asks for the active masters whose last check-in is older than a limit; this index
-- answers that with one range scan however many long-dead masters the table holds.
CREATE INDEX masters_active_last_active ON masters (active, last_active);
