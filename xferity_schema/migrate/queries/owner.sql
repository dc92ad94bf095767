-- apply's switch to the owner role, and the role model it re-asserts afterwards.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: owner_state
-- Whether the owner role exists, whether this login may act as it (16+: SET ROLE; before 16
-- membership is that right), and what the database says about its owner: the owner recorded in
-- xferity.role_model by the DBA's grant script (NULL without one) and the owner of schema xferity.
SELECT
    EXISTS(SELECT FROM pg_catalog.pg_roles WHERE rolname = %(owner)s) AS role_exists,
    EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = %(owner)s)
    AND pg_catalog.pg_has_role(
        current_user, %(owner)s,
        CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END
    ) AS is_member,
    current_user = %(owner)s AS is_self,
    current_user::text AS acting_user,
    (
        SELECT pg_catalog.pg_get_userbyid(n.nspowner)
        FROM pg_catalog.pg_namespace AS n
        WHERE n.nspname = 'xferity'
    ) AS schema_owner,
    to_regclass('xferity.role_model') IS NOT NULL AS has_role_model;

-- name: recorded_owner
SELECT role_name FROM xferity.role_model WHERE kind = 'owner';

-- name: has_grant_function
SELECT to_regprocedure('xferity.grant_role_model()') IS NOT NULL;

-- name: grant_role_model
SELECT xferity.grant_role_model();
