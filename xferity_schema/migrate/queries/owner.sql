-- apply's switch to the owner role.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: owner_membership
SELECT
    EXISTS(SELECT FROM pg_catalog.pg_roles WHERE rolname = %(owner)s) AS role_exists,
    EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = %(owner)s)
    AND pg_catalog.pg_has_role(current_user, %(owner)s, 'MEMBER') AS is_member,
    current_user = %(owner)s AS is_self;
