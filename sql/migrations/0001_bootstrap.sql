-- 0001 bootstrap: the schema every Xferity object lives in.
--
-- Xferity keeps its durable state in one schema so that grants, audits and
-- upgrade checks have a single boundary, and nothing lands in `public`.

CREATE SCHEMA IF NOT EXISTS xferity;

COMMENT ON SCHEMA xferity IS
'Durable state of Xferity''s PostgreSQL backend: flow runs, auth, crypto inventory, AS2, posture, vault secrets, workflows and the shared job queue. Managed by xferity-schema; change it only through numbered migrations.';
