-- The DBA's grant script and the pieces it is assembled from.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: script
-- ============================================================================
-- xferity-schema grant script: Xferity's least-privilege role model.
-- Review it, then run it in one transaction, before the first
-- `xferity-schema apply`:
--     psql -v ON_ERROR_STOP=1 --single-transaction -d <database> -f grants.sql
-- Run it as a superuser, or (managed PostgreSQL: RDS, Cloud SQL, Azure) as a
-- role with CREATEROLE that owns the database. It asks for nothing such a role
-- cannot grant. Upgrades need no DBA step: `apply`, acting as the owner role,
-- re-asserts every object privilege (SELECT xferity.grant_role_model()).
-- It is idempotent: a second run changes nothing. It changes no attribute of
-- an existing role, and refuses to adopt one with SUPERUSER, CREATEDB,
-- CREATEROLE, REPLICATION or BYPASSRLS (or LOGIN, for the owner) unless it was
-- generated with --adopt-privileged-roles. It holds no password: set them with
-- psql's \password, which hashes on the client.
-- ============================================================================

-- 1. Roles: created when missing; an existing role is checked, never altered
--    (except LOGIN, which a login role must have).
--    owner: NOLOGIN, owns schema xferity and everything in it.
--    migrator: LOGIN, a member of owner; what `xferity-schema apply` connects as.
--    app: DML only. worker: the job API only. readonly: [public] columns only.
{create_roles}

-- The migrator works as the owner (`apply` runs SET ROLE to it).
GRANT {owner} TO {migrator};

-- 2. Login users mapped onto the roles (--login NAME=ROLE).
{create_logins}

-- 3. The database: only these roles connect; nobody creates in schema public
--    (PostgreSQL 15+ does this for new databases only; upgraded clusters keep
--    it). On PostgreSQL 13 and 14 only the owner of schema public (on managed
--    services, the provider's administrator) can revoke its CREATE.
REVOKE CONNECT, TEMPORARY ON DATABASE {database} FROM PUBLIC;
GRANT CONNECT ON DATABASE {database} TO {migrator}, {app}, {worker}, {readonly};
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- 4. For the steps below this script acts as the owner role. A DBA that is
--    not a superuser becomes a member of it for the length of the script
--    (CREATE SCHEMA ... AUTHORIZATION needs that; on PostgreSQL 16+ a role's
--    creator has ADMIN on it, but not SET), and leaves it again at step 8.
DO $become_owner$
DECLARE
    -- 16+: the right to SET ROLE; before 16 membership is that right.
    mode text := CASE
        WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER'
    END;
BEGIN
    PERFORM set_config('xferity.grant_script_joined_owner', '', FALSE);
    IF NOT pg_catalog.pg_has_role(current_user, {owner_name}, mode) THEN
        EXECUTE format('GRANT %I TO %I', {owner_name}, current_user);
        PERFORM set_config('xferity.grant_script_joined_owner', 'yes', FALSE);
    END IF;
END
$become_owner$;

-- 5. Schema xferity, owned by the owner role; PUBLIC gets nothing. Objects
--    created before this script (e.g. by a one-user install) pass to the owner,
--    with what its default privileges give the application, as if the owner had
--    created them; identity and serial sequences follow their tables.
DO $schema$
BEGIN
    IF to_regnamespace('xferity') IS NULL THEN
        EXECUTE format('CREATE SCHEMA xferity AUTHORIZATION %I', {owner_name});
    ELSIF (
        SELECT pg_catalog.pg_get_userbyid(n.nspowner) FROM pg_catalog.pg_namespace AS n
        WHERE n.nspname = 'xferity'
    ) <> {owner_name} THEN
        EXECUTE format('ALTER SCHEMA xferity OWNER TO %I', {owner_name});
    END IF;
END
$schema$;

DO $ownership$
DECLARE
    item record;
    owned record;
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
        -- What the owner's default privileges (step 6) give what it creates,
        -- including the identity and serial sequences that followed the table.
        EXECUTE format(
            CASE WHEN item.relkind = 'S' THEN 'GRANT USAGE ON SEQUENCE %s TO %I'
                ELSE 'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO %I'
            END, item.name, {app_name}
        );
        FOR owned IN
            SELECT d.objid::regclass AS name
            FROM pg_catalog.pg_depend AS d
            INNER JOIN pg_catalog.pg_class AS s ON d.objid = s.oid AND s.relkind = 'S'
            WHERE
                d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                AND d.refobjid = item.name::oid AND d.deptype IN ('a', 'i')
        LOOP
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', owned.name, {app_name});
        END LOOP;
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS name
        FROM pg_catalog.pg_proc AS p
        WHERE
            p.pronamespace = 'xferity'::regnamespace
            AND pg_catalog.pg_get_userbyid(p.proowner) <> {owner_name}
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', item.name, {owner_name});
        EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO %I', item.name, {app_name});
    END LOOP;
END
$ownership$;

SET ROLE {owner};
REVOKE ALL ON SCHEMA xferity FROM PUBLIC;
GRANT USAGE ON SCHEMA xferity TO {app}, {worker}, {readonly};

-- 6. Default privileges: what future migrations (run as the owner) create is
--    granted to the application at once; apply's grant_role_model() then makes
--    it exactly the model. Functions are never executable by PUBLIC (global
--    form: the per-schema form cannot revoke a built-in default). Each is
--    stated only when missing, so a second run touches nothing.
DO $default_privileges$
DECLARE
    owner_oid oid := (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = {owner_name});
    item record;
BEGIN
    IF EXISTS (
        SELECT FROM pg_catalog.pg_default_acl AS d
        CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) AS x
        WHERE
            d.defaclrole = owner_oid AND d.defaclnamespace = 0 AND d.defaclobjtype = 'f'
            AND x.grantee = 0
    ) OR NOT EXISTS (
        SELECT FROM pg_catalog.pg_default_acl AS d
        WHERE d.defaclrole = owner_oid AND d.defaclnamespace = 0 AND d.defaclobjtype = 'f'
    ) THEN
        EXECUTE format(
            'ALTER DEFAULT PRIVILEGES FOR ROLE %I REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC',
            {owner_name}
        );
    END IF;
    FOR item IN
        SELECT e.objtype, e.kind, e.privilege
        FROM (
            VALUES
            ('r'::"char", 'TABLES', 'SELECT'),
            ('r', 'TABLES', 'INSERT'),
            ('r', 'TABLES', 'UPDATE'),
            ('r', 'TABLES', 'DELETE'),
            ('S', 'SEQUENCES', 'USAGE'),
            ('f', 'FUNCTIONS', 'EXECUTE')
        ) AS e (objtype, kind, privilege)
        WHERE NOT EXISTS (
            SELECT FROM pg_catalog.pg_default_acl AS d
            CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) AS x
            WHERE
                d.defaclrole = owner_oid
                AND d.defaclnamespace = 'xferity'::regnamespace
                AND d.defaclobjtype = e.objtype
                AND x.grantee = (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = {app_name})
                AND x.privilege_type = e.privilege
        )
    LOOP
        EXECUTE format(
            'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA xferity GRANT %s ON %s TO %I',
            {owner_name}, item.privilege, item.kind, {app_name}
        );
    END LOOP;
END
$default_privileges$;

-- 7. The role model of this database, recorded where apply finds it (the
--    same table migration 0013 creates when it is missing), then every object
--    privilege the model gives, granted by xferity.grant_role_model().
CREATE TABLE IF NOT EXISTS xferity.role_model (
    role_model_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    role_name text NOT NULL,
    CONSTRAINT role_model_kind_key UNIQUE (kind),
    CONSTRAINT role_model_role_name_key UNIQUE (role_name),
    CONSTRAINT role_model_kind_check CHECK (
        kind IN ('owner', 'migrator', 'app', 'worker', 'readonly')
    ),
    CONSTRAINT role_model_role_name_check CHECK (length(role_name) BETWEEN 1 AND 63)
);
DO $role_model$
BEGIN
    IF pg_catalog.obj_description('xferity.role_model'::regclass, 'pg_class') IS NULL THEN
        COMMENT ON TABLE xferity.role_model IS
        'The roles that play each part of the least-privilege role model for this database, written by the DBA''s grant script (xferity-schema grants) and read by xferity.grant_role_model().';
        COMMENT ON COLUMN xferity.role_model.role_model_id IS '[public] Surrogate key.';
        COMMENT ON COLUMN xferity.role_model.kind IS
        '[public] owner, migrator, app, worker or readonly.';
        COMMENT ON COLUMN xferity.role_model.role_name IS
        '[public] Name of the cluster role that plays this part.';
    END IF;
END
$role_model$;
DELETE FROM xferity.role_model AS m
WHERE (m.kind, m.role_name) NOT IN ({model_rows});
-- Only missing rows: a conflicting insert would still draw an identity value.
INSERT INTO xferity.role_model (kind, role_name)
SELECT v.kind, v.role_name
FROM (VALUES {model_rows}) AS v (kind, role_name)
WHERE NOT EXISTS (SELECT FROM xferity.role_model AS m WHERE m.kind = v.kind);

DO $grant$
BEGIN
    IF to_regprocedure('xferity.grant_role_model()') IS NOT NULL THEN
        PERFORM xferity.grant_role_model();
    ELSE
        -- Before migration 0013 the database has no grant_role_model(): the
        -- role model's own table is granted here, the rest by apply.
        RAISE NOTICE 'object privileges: granted by xferity-schema apply (migration 0013)';
        EXECUTE format(
            'REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER '
            'ON TABLE xferity.role_model FROM %I', {app_name}
        );
        EXECUTE format(
            'GRANT SELECT ON TABLE xferity.role_model TO %I, %I', {app_name}, {readonly_name}
        );
    END IF;
END
$grant$;
RESET ROLE;

-- 8. The DBA leaves the owner role again, if step 4 made it a member.
DO $leave_owner$
BEGIN
    IF current_setting('xferity.grant_script_joined_owner', TRUE) = 'yes' THEN
        EXECUTE format('REVOKE %I FROM %I', {owner_name}, current_user);
        PERFORM set_config('xferity.grant_script_joined_owner', '', FALSE);
    END IF;
END
$leave_owner$;

-- name: create_role
DO $create_role$
DECLARE
    existing record;
    held text[];
BEGIN
    SELECT * INTO existing FROM pg_catalog.pg_roles WHERE rolname = {role_name};
    IF NOT FOUND THEN
        CREATE ROLE {role} WITH {login};
        RETURN;
    END IF;
    held := array_remove(ARRAY[
        CASE WHEN existing.rolsuper THEN 'SUPERUSER' END,
        CASE WHEN existing.rolcreaterole THEN 'CREATEROLE' END,
        CASE WHEN existing.rolcreatedb THEN 'CREATEDB' END,
        CASE WHEN existing.rolreplication THEN 'REPLICATION' END,
        CASE WHEN existing.rolbypassrls THEN 'BYPASSRLS' END,
        CASE WHEN existing.rolcanlogin AND NOT {must_login} THEN 'LOGIN' END
    ], NULL);
    IF held <> '{{}}' AND NOT {adopt} THEN
        RAISE EXCEPTION 'role % already exists and holds %; the role model would adopt it as its % role',
            {role_name}, array_to_string(held, ', '), {kind}
            USING HINT = 'Remove those attributes (ALTER ROLE), choose another name, or generate '
                'the script with --adopt-privileged-roles to adopt the role as it is.';
    ELSIF held <> '{{}}' THEN
        RAISE WARNING 'adopting role % as it is, with %: grants --check will report it',
            {role_name}, array_to_string(held, ', ');
    END IF;
    IF {must_login} AND NOT existing.rolcanlogin THEN
        RAISE NOTICE 'role % gets LOGIN (the % role logs in)', {role_name}, {kind};
        ALTER ROLE {role} WITH LOGIN;
    END IF;
END
$create_role$;

-- name: grant_login
GRANT {role} TO {login};
