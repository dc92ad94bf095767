-- 0001 bootstrap: the schema every Xferity object lives in.
--
-- Xferity keeps its durable state in one schema so that grants, audits and
-- upgrade checks have a single boundary, and nothing lands in `public`.
-- The DBA's grant script may already have created the schema for the owner
-- role; creating it only when missing means the migrator needs no CREATE
-- privilege on the database.

DO $$
BEGIN
    IF to_regnamespace('xferity') IS NULL THEN
        CREATE SCHEMA xferity;
    END IF;
END
$$;

COMMENT ON SCHEMA xferity IS
'Durable state of Xferity''s PostgreSQL backend: flow runs, auth, crypto inventory, AS2, posture, vault secrets, workflows and the shared job queue. Managed by xferity-schema; change it only through numbered migrations.';
