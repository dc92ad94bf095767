-- Bounds how long one migration waits for a table lock, for this transaction only: a DDL lock
-- queued behind a long query would otherwise block every later query on that table.
SELECT set_config('lock_timeout', %(lock_timeout)s, TRUE)
