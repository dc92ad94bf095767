-- 0011 reset: one call that empties every Xferity table, for tests and
-- development (wfe-postgres has truncate_all for the same reason).
--
-- The table list comes from the catalog at call time, so tables added by
-- later migrations are emptied too without touching this function. The
-- migration runner's own tracking tables are kept: a reset database is
-- still a migrated database. Never call it on a production database; it
-- is not granted to anyone and PUBLIC's default EXECUTE is revoked.

CREATE FUNCTION xferity.reset_all_data()
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    table_list text;
BEGIN
    SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ' ORDER BY c.relname)
    INTO table_list
    FROM pg_catalog.pg_class AS c
    INNER JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE
        n.nspname = 'xferity'
        AND c.relkind IN ('r', 'p')
        AND NOT c.relispartition
        AND c.relname NOT IN ('schema_migrations', 'schema_migration_log');
    IF table_list IS NOT NULL THEN
        EXECUTE 'TRUNCATE TABLE ' || table_list || ' RESTART IDENTITY CASCADE';
    END IF;
END;
$$;

COMMENT ON FUNCTION xferity.reset_all_data() IS
'TEST/DEV TOOL - destroys all data. Empties every table of schema xferity (TRUNCATE ... RESTART IDENTITY CASCADE, table list read from the catalog) except the migration tracking tables schema_migrations and schema_migration_log.';

REVOKE EXECUTE ON FUNCTION xferity.reset_all_data() FROM PUBLIC;
