-- First statement of a schema snapshot's transaction: pg_get_*def() qualify every name that is
-- not in pg_catalog, so definitions read the same whatever the caller's search_path was.
SET LOCAL search_path = pg_catalog, pg_temp
