-- The migration runner's queries: the advisory lock, the tracking tables, the bookkeeping.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: try_advisory_lock
SELECT pg_try_advisory_lock(%(lock_key)s);

-- name: advisory_unlock
SELECT pg_advisory_unlock(%(lock_key)s);

-- name: advisory_lock_holder
-- Who holds the migration lock, for the "waiting" progress line.
-- host(), not ::text: inet's text form carries a netmask. client_port is -1 for a Unix socket
-- and NULL when this role may not see the other session's client.
SELECT a.pid, a.application_name, host(a.client_addr) AS client_host, a.client_port
FROM pg_locks AS l
JOIN pg_stat_activity AS a ON l.pid = a.pid
WHERE l.locktype = 'advisory'
    AND l.granted
    AND l.database = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
    AND ((l.classid::bigint << 32) | l.objid::bigint) = %(lock_key)s
ORDER BY a.backend_start
LIMIT 1;

-- name: tracking_table_exists
SELECT to_regclass('xferity.schema_migrations') IS NOT NULL;

-- name: create_tracking_tables
-- Tracking tables for xferity-schema's migration runner. Run under the
-- runner's advisory lock, and only when they are missing, so IF NOT EXISTS
-- never races another apply and the schema is created only when absent (a
-- migrator may lack CREATE on the database).
DO $$
BEGIN
    IF to_regnamespace('xferity') IS NULL THEN
        CREATE SCHEMA xferity;
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS xferity.schema_migrations (
    migration_id text PRIMARY KEY,
    content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user,
    execution_ms integer NOT NULL CHECK (execution_ms >= 0),
    toolkit_version text NOT NULL
);

COMMENT ON TABLE xferity.schema_migrations IS
'One row per applied migration, written in the same transaction as the migration itself.';
COMMENT ON COLUMN xferity.schema_migrations.migration_id IS
'[public] File name without .sql, e.g. 0001_bootstrap.';
COMMENT ON COLUMN xferity.schema_migrations.content_sha256 IS
'[public] sha256 of the migration file''s bytes when applied; a mismatch later is drift.';
COMMENT ON COLUMN xferity.schema_migrations.applied_at IS
'[public] When the migration committed.';
COMMENT ON COLUMN xferity.schema_migrations.applied_by IS
'[public] Database role that applied it.';
COMMENT ON COLUMN xferity.schema_migrations.execution_ms IS
'[public] Wall time the migration''s statements took, in milliseconds.';
COMMENT ON COLUMN xferity.schema_migrations.toolkit_version IS
'[public] xferity-schema version that applied it.';

CREATE TABLE IF NOT EXISTS xferity.schema_migration_log (
    log_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    migration_id text NOT NULL,
    operation text NOT NULL CHECK (operation IN ('apply', 'rollback')),
    content_sha256 text NOT NULL,
    logged_at timestamptz NOT NULL DEFAULT now(),
    db_user text NOT NULL DEFAULT current_user,
    client_host text NOT NULL
);

COMMENT ON TABLE xferity.schema_migration_log IS
'Append-only history of apply and rollback operations, for audits.';
COMMENT ON COLUMN xferity.schema_migration_log.log_id IS '[public] Surrogate key.';
COMMENT ON COLUMN xferity.schema_migration_log.migration_id IS '[public] Migration the operation ran.';
COMMENT ON COLUMN xferity.schema_migration_log.operation IS '[public] apply or rollback.';
COMMENT ON COLUMN xferity.schema_migration_log.content_sha256 IS
'[public] sha256 of the file that ran.';
COMMENT ON COLUMN xferity.schema_migration_log.logged_at IS '[public] When the operation committed.';
COMMENT ON COLUMN xferity.schema_migration_log.db_user IS '[public] Database role that ran it.';
COMMENT ON COLUMN xferity.schema_migration_log.client_host IS
'[public] Host name of the machine that ran xferity-schema.';

-- name: select_applied_migrations
-- Every column, so that a database whose tracking table predates a column (e.g. out_of_order)
-- still reads: status runs without the lock and never upgrades the table.
SELECT *
FROM xferity.schema_migrations
ORDER BY migration_id;

-- name: missing_tracking_columns
-- Columns added to the tracking table after its first release.
SELECT count(*)
FROM (VALUES ('out_of_order'), ('rollback_sha256')) AS wanted (column_name)
LEFT JOIN pg_catalog.pg_attribute AS a
    ON
        a.attrelid = 'xferity.schema_migrations'::regclass
        AND wanted.column_name = a.attname
        AND NOT a.attisdropped
WHERE a.attname IS NULL;

-- name: upgrade_tracking_tables
-- Idempotent, run under the migration lock only when a column is missing.
ALTER TABLE xferity.schema_migrations
ADD COLUMN IF NOT EXISTS out_of_order boolean NOT NULL DEFAULT FALSE,
ADD COLUMN IF NOT EXISTS rollback_sha256 text
CHECK (rollback_sha256 ~ '^[0-9a-f]{64}$');

COMMENT ON COLUMN xferity.schema_migrations.out_of_order IS
'[public] True when applied with --allow-out-of-order below an already applied migration.';
COMMENT ON COLUMN xferity.schema_migrations.rollback_sha256 IS
'[public] sha256 of the rollback file when the migration was applied (NULL: none, or not recorded).';

-- name: set_local_lock_timeout
-- Bounds how long one migration waits for a table lock, for this transaction only: a DDL lock
-- queued behind a long query would otherwise block every later query on that table.
SELECT set_config('lock_timeout', %(lock_timeout)s, TRUE);

-- name: record_migration
INSERT INTO xferity.schema_migrations
(
    migration_id, content_sha256, execution_ms, toolkit_version, out_of_order,
    rollback_sha256
)
VALUES (
    %(migration_id)s, %(content_sha256)s, %(execution_ms)s, %(toolkit_version)s,
    %(out_of_order)s, %(rollback_sha256)s
);

-- name: log_migration
INSERT INTO xferity.schema_migration_log
(migration_id, operation, content_sha256, client_host)
VALUES (%(migration_id)s, %(operation)s, %(content_sha256)s, %(client_host)s);

-- name: forget_migration
DELETE FROM xferity.schema_migrations WHERE migration_id = %(migration_id)s;

-- name: backend_pid
-- The server session's pid, compared with the pid the connection announced at start-up: a pooler
-- (PgBouncer, pgcat, Odyssey, RDS Proxy) announces its own, so a mismatch means our statements
-- may run in different server sessions.
SELECT pg_backend_pid();

-- name: check_client_connection_every_second
-- PostgreSQL 14+: a backend running a migration notices a killed client within a second and
-- rolls back, releasing the lock, instead of finishing a long statement first.
-- lint: allow pg13-compat reason: the runner sends this only to servers of 14 and later
SET client_connection_check_interval = '1s';
