-- check-upgrade's scratch roles.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: set_role
-- Act as the given role: privilege checks become that role's. The role name is composed with
-- psycopg.sql.Identifier.
SET ROLE {role};
