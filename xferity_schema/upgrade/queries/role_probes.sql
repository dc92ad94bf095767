-- What each runtime role must be able to do after an upgrade, and what it must not.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries); each runs
-- as one role (SET LOCAL ROLE) in a transaction that is rolled back.

-- name: set_local_role
SET LOCAL ROLE {role};

-- name: object_exists
SELECT
    CASE %(kind)s
        WHEN 'function' THEN to_regprocedure(%(name)s) IS NOT NULL
        ELSE to_regclass(%(name)s) IS NOT NULL
    END;

-- name: app_reads_and_writes
INSERT INTO xferity.auth_users (username, role) VALUES ('xferity-upgrade-check', 'viewer');
UPDATE xferity.auth_users SET disabled = TRUE WHERE username = 'xferity-upgrade-check';
SELECT count(*) FROM xferity.flow_runs;
DELETE FROM xferity.auth_users WHERE username = 'xferity-upgrade-check';

-- name: app_truncates
TRUNCATE xferity.flow_runs;

-- name: app_creates_a_table
-- The app role must be denied this (it has no CREATE on schema xferity): the table never comes
-- to exist, so the rules for the schema's tables do not apply to it.
-- lint: allow missing-comment, primary-key, unclassified-column reason: a statement to be denied
CREATE TABLE xferity.xferity_upgrade_check (id int);

-- name: app_writes_bookkeeping
DELETE FROM xferity.schema_migrations;

-- name: app_resets_everything
SELECT xferity.reset_all_data();

-- name: worker_works_the_queue
SELECT xferity.register_worker('xferity-upgrade-check', 'scratch');
SELECT xferity.enqueue_job('xferity.upgrade-check');
SELECT xferity.complete_job(c.id, 'xferity-upgrade-check')
FROM xferity.claim_job('xferity-upgrade-check') AS c;

-- name: worker_reads_jobs
SELECT count(*) FROM xferity.jobs;

-- name: worker_reads_users
SELECT count(*) FROM xferity.auth_users;

-- name: readonly_reads_public_data
SELECT * FROM xferity.flow_runs;
SELECT session_id, user_id, expires_at FROM xferity.auth_sessions;

-- name: readonly_reads_personal_data
SELECT email FROM xferity.auth_users;

-- name: readonly_reads_job_payloads
SELECT payload FROM xferity.jobs;

-- name: readonly_reads_secrets
SELECT name FROM xferity.vault_secrets;

-- name: readonly_writes
INSERT INTO xferity.flow_runs DEFAULT VALUES;
