-- The DBA's grant script and the pieces it is assembled from.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: script
-- ============================================================================
-- xferity-schema grant script: Xferity's least-privilege role model.
-- Review it, then run it as a superuser, in one transaction:
--     psql -v ON_ERROR_STOP=1 --single-transaction -d <database> -f grants.sql
-- Run it before the first `xferity-schema apply` and again after it (and after
-- upgrades that add tables you want the read-only role to see). It is
-- idempotent: a second run changes nothing. It holds no password: set them
-- with psql's \password, which hashes on the client.
-- ============================================================================

-- 1. Roles. Guarded by NOT EXISTS; attributes are re-asserted every run.
--    owner: NOLOGIN, owns schema xferity and everything in it.
--    migrator: LOGIN, a member of owner; what `xferity-schema apply` connects as.
--    app: DML only. worker: the job API only. readonly: non-sensitive reads.
{create_roles}

-- The migrator works as the owner (`apply` runs SET ROLE to it).
GRANT {owner} TO {migrator};

-- 2. Login users mapped onto the roles (--login NAME=ROLE).
{create_logins}

-- 3. The database: only these roles connect; nobody creates in schema public
--    (PostgreSQL 15+ does this for new databases only; upgraded clusters keep it).
REVOKE CONNECT, TEMPORARY ON DATABASE {database} FROM PUBLIC;
GRANT CONNECT ON DATABASE {database} TO {migrator}, {app}, {worker}, {readonly};
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- 4. Schema xferity, owned by the owner role; PUBLIC gets nothing.
DO $schema$
BEGIN
    IF to_regnamespace('xferity') IS NULL THEN
        EXECUTE format('CREATE SCHEMA xferity AUTHORIZATION %I', {owner_name});
    END IF;
END
$schema$;
ALTER SCHEMA xferity OWNER TO {owner};
REVOKE ALL ON SCHEMA xferity FROM PUBLIC;

-- 5. Objects created before this script (e.g. by a one-user install) pass to
--    the owner. Identity and serial sequences follow their tables.
DO $ownership$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT c.oid::regclass AS name, c.relkind
        FROM pg_catalog.pg_class AS c
        WHERE
            c.relnamespace = 'xferity'::regnamespace
            AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
            AND pg_catalog.pg_get_userbyid(c.relowner) <> {owner_name}
            -- A sequence owned by a column (identity, serial) follows its table.
            AND NOT (
                c.relkind = 'S'
                AND EXISTS (
                    SELECT FROM pg_catalog.pg_depend AS d
                    WHERE
                        d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                )
            )
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO %I', item.name, {owner_name});
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS name
        FROM pg_catalog.pg_proc AS p
        WHERE
            p.pronamespace = 'xferity'::regnamespace
            AND pg_catalog.pg_get_userbyid(p.proowner) <> {owner_name}
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', item.name, {owner_name});
    END LOOP;
END
$ownership$;

-- 6. Default privileges: what future migrations (run as the owner) create is
--    granted at once. Functions are never executable by PUBLIC (global form: the
--    per-schema form cannot revoke a built-in default).
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA xferity
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA xferity
GRANT USAGE ON SEQUENCES TO {app};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA xferity
GRANT EXECUTE ON FUNCTIONS TO {app};

-- 7. Existing objects: clear every grant to PUBLIC and the runtime roles, then
--    grant exactly the role model (sql/roles/model.sql), row by row.
REVOKE ALL ON ALL TABLES IN SCHEMA xferity FROM PUBLIC, {app}, {worker}, {readonly};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA xferity FROM PUBLIC, {app}, {worker}, {readonly};
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA xferity FROM PUBLIC, {app}, {worker}, {readonly};
REVOKE ALL ON SCHEMA xferity FROM {app}, {worker}, {readonly};
DO $grant$
DECLARE
    item record;
BEGIN
    FOR item IN
        {model}
    LOOP
        EXECUTE CASE item.object_type
            WHEN 'schema' THEN format('GRANT USAGE ON SCHEMA xferity TO %I', item.grantee)
            WHEN 'table' THEN format(
                'GRANT %s ON TABLE %s TO %I', item.privilege, item.object_name, item.grantee
            )
            WHEN 'sequence' THEN format(
                'GRANT %s ON SEQUENCE %s TO %I', item.privilege, item.object_name, item.grantee
            )
            WHEN 'function' THEN format(
                'GRANT %s ON FUNCTION %s TO %I', item.privilege, item.object_name, item.grantee
            )
            WHEN 'column' THEN format(
                'GRANT %s (%I) ON TABLE %s TO %I',
                item.privilege, item.column_name, item.object_name, item.grantee
            )
        END;
    END LOOP;
END
$grant$;

-- name: create_role
DO $create_role$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {role_name}) THEN
        CREATE ROLE {role};
    END IF;
END
$create_role$;
ALTER ROLE {role} WITH {login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

-- name: create_login
DO $create_login$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {login_name}) THEN
        CREATE ROLE {login} LOGIN;
    END IF;
END
$create_login$;
GRANT {role} TO {login};
