-- `grants --check`: the live database against the role model.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: audit_roles
-- Role-level findings: missing roles, dangerous attributes, memberships the model does not have.
WITH model (rolname, kind, must_login) AS (
    VALUES
    ({owner}::text, 'owner', FALSE),
    ({migrator}::text, 'migrator', TRUE),
    ({app}::text, 'app', TRUE),
    ({worker}::text, 'worker', TRUE),
    ({readonly}::text, 'readonly', TRUE)
)

SELECT 'missing' AS finding, format('role %I does not exist', m.rolname) AS detail
FROM model AS m
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = m.rolname)

UNION ALL
SELECT 'excess', format('role %I has attribute %s', r.rolname, a.attribute)
FROM model AS m
INNER JOIN pg_catalog.pg_roles AS r ON m.rolname = r.rolname
CROSS JOIN
    LATERAL (
    VALUES
    ('SUPERUSER', r.rolsuper),
    ('CREATEDB', r.rolcreatedb),
    ('CREATEROLE', r.rolcreaterole),
    ('REPLICATION', r.rolreplication),
    ('BYPASSRLS', r.rolbypassrls),
    ('LOGIN', r.rolcanlogin AND NOT m.must_login)
    ) AS a (attribute, present)
WHERE a.present

UNION ALL
SELECT 'missing', format('role %I cannot log in (LOGIN)', r.rolname)
FROM model AS m
INNER JOIN pg_catalog.pg_roles AS r ON m.rolname = r.rolname
WHERE m.must_login AND NOT r.rolcanlogin

UNION ALL
SELECT 'missing', format('role %I is not a member of %I', {migrator}, {owner})
WHERE
    EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {migrator})
    AND EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {owner})
    AND NOT pg_catalog.pg_has_role({migrator}, {owner}, 'MEMBER')

-- A runtime role inherits nothing: any membership is a way around the model.
UNION ALL
SELECT 'excess', format('role %I is a member of %I', member.rolname, parent.rolname)
FROM pg_catalog.pg_auth_members AS am
INNER JOIN pg_catalog.pg_roles AS member ON am.member = member.oid
INNER JOIN pg_catalog.pg_roles AS parent ON am.roleid = parent.oid
WHERE member.rolname IN ({app}, {worker}, {readonly});

-- name: effective_privileges
-- Every privilege the runtime roles effectively hold in schema xferity, however they hold
-- it: granted directly, granted to PUBLIC, or inherited through role membership.
WITH roles AS (
    SELECT r.rolname::text AS grantee, r.oid AS role_oid
    FROM pg_catalog.pg_roles AS r
    WHERE r.rolname = any({role_names}::text[])
),

relations AS (
    SELECT
        c.oid,
        c.relkind,
        format('%I.%I', n.nspname, c.relname) AS qualified,
        coalesce(c.relacl, pg_catalog.acldefault(
            CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner
        )) AS acl
    FROM pg_catalog.pg_class AS c
    INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
    WHERE n.nspname = 'xferity' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
),

table_privileges AS (
    SELECT unnest(
        ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']
        || CASE
            WHEN current_setting('server_version_num')::int >= 170000 THEN ARRAY['MAINTAIN']
            ELSE ARRAY[]::text[]
        END
    ) AS privilege
),

held AS (
    SELECT
        r.grantee, r.role_oid, 'schema' AS object_type, 'xferity' AS object_name,
        NULL::text AS column_name, p.privilege,
        coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)) AS acl
    FROM roles AS r
    CROSS JOIN unnest(ARRAY['USAGE', 'CREATE']) AS p (privilege)
    INNER JOIN pg_catalog.pg_namespace AS n ON n.nspname = 'xferity'
    WHERE pg_catalog.has_schema_privilege(r.role_oid, n.oid, p.privilege)

    UNION ALL
    SELECT r.grantee, r.role_oid, 'table', rel.qualified, NULL, p.privilege, rel.acl
    FROM roles AS r, relations AS rel, table_privileges AS p
    WHERE
        rel.relkind <> 'S'
        AND pg_catalog.has_table_privilege(r.role_oid, rel.oid, p.privilege)

    UNION ALL
    SELECT r.grantee, r.role_oid, 'sequence', rel.qualified, NULL, p.privilege, rel.acl
    FROM roles AS r, relations AS rel, unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) AS p (privilege)
    WHERE
        rel.relkind = 'S'
        AND pg_catalog.has_sequence_privilege(r.role_oid, rel.oid, p.privilege)

    -- Column privileges matter only where the table-level one is absent.
    UNION ALL
    SELECT
        r.grantee, r.role_oid, 'column', rel.qualified, a.attname::text, p.privilege,
        coalesce(a.attacl, ARRAY[]::aclitem[])
    FROM roles AS r
    CROSS JOIN relations AS rel
    INNER JOIN pg_catalog.pg_attribute AS a
        ON rel.oid = a.attrelid AND a.attnum > 0 AND NOT a.attisdropped
    CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) AS p (privilege)
    WHERE
        rel.relkind <> 'S'
        AND pg_catalog.has_column_privilege(r.role_oid, rel.oid, a.attnum, p.privilege)
        AND NOT pg_catalog.has_table_privilege(r.role_oid, rel.oid, p.privilege)

    UNION ALL
    SELECT
        r.grantee, r.role_oid, 'function',
        format(
            '%I.%I(%s)', n.nspname, f.proname, pg_catalog.pg_get_function_identity_arguments(f.oid)
        ),
        NULL, 'EXECUTE', coalesce(f.proacl, pg_catalog.acldefault('f', f.proowner))
    FROM roles AS r
    CROSS JOIN pg_catalog.pg_proc AS f
    INNER JOIN pg_catalog.pg_namespace AS n ON f.pronamespace = n.oid
    WHERE n.nspname = 'xferity' AND pg_catalog.has_function_privilege(r.role_oid, f.oid, 'EXECUTE')
)

SELECT
    h.grantee,
    h.object_type,
    h.object_name,
    h.column_name,
    h.privilege,
    CASE
        WHEN EXISTS (
                SELECT FROM pg_catalog.aclexplode(h.acl) AS x
                WHERE x.grantee = h.role_oid AND x.privilege_type = h.privilege
            ) THEN 'direct grant'
        WHEN EXISTS (
                SELECT FROM pg_catalog.aclexplode(h.acl) AS x
                WHERE x.grantee = 0 AND x.privilege_type = h.privilege
            ) THEN 'PUBLIC'
        ELSE 'role membership'
    END AS held_via
FROM held AS h;

-- name: audit_ownership
-- Everything in schema xferity, and the schema itself, belongs to the owner role.
SELECT
    'ownership' AS finding,
    format(
        'schema xferity is owned by %I, not %I',
        pg_catalog.pg_get_userbyid(n.nspowner),
        {owner}
    )
        AS detail
FROM pg_catalog.pg_namespace AS n
WHERE n.nspname = 'xferity' AND pg_catalog.pg_get_userbyid(n.nspowner) <> {owner}

UNION ALL
SELECT
    'ownership',
    format(
        '%s is owned by %I, not %I',
        c.oid::regclass,
        pg_catalog.pg_get_userbyid(c.relowner),
        {owner}
    )
FROM pg_catalog.pg_class AS c
INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    n.nspname = 'xferity' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND pg_catalog.pg_get_userbyid(c.relowner) <> {owner}

UNION ALL
SELECT
    'ownership',
    format(
        'function %s is owned by %I, not %I', p.oid::regprocedure,
        pg_catalog.pg_get_userbyid(p.proowner), {owner}
    )
FROM pg_catalog.pg_proc AS p
INNER JOIN pg_catalog.pg_namespace AS n ON p.pronamespace = n.oid
WHERE n.nspname = 'xferity' AND pg_catalog.pg_get_userbyid(p.proowner) <> {owner};

-- name: audit_default_privileges
-- Default privileges the model needs for objects that future migrations create, and any
-- default privilege beyond them.
WITH owner_role AS (
    SELECT oid FROM pg_catalog.pg_roles WHERE rolname = {owner}
),

expected (objtype, kind, grantee, privilege) AS (
    VALUES
    ('r'::"char", 'tables', {app}::text, 'SELECT'),
    ('r', 'tables', {app}, 'INSERT'),
    ('r', 'tables', {app}, 'UPDATE'),
    ('r', 'tables', {app}, 'DELETE'),
    ('S', 'sequences', {app}, 'USAGE'),
    ('f', 'functions', {app}, 'EXECUTE')
),

actual AS (
    SELECT
        d.defaclobjtype AS objtype,
        CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(x.grantee) END
            AS grantee,
        x.privilege_type AS privilege
    FROM pg_catalog.pg_default_acl AS d
    INNER JOIN owner_role AS o ON d.defaclrole = o.oid
    CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) AS x
    WHERE d.defaclnamespace = 'xferity'::regnamespace
)

SELECT
    'default privilege' AS finding,
    format(
        'missing: ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA xferity GRANT %s ON %s TO %I',
        {owner}, e.privilege, e.kind, e.grantee
    ) AS detail
FROM expected AS e
WHERE
    to_regnamespace('xferity') IS NOT NULL
    AND NOT EXISTS (
        SELECT FROM actual AS a
        WHERE a.objtype = e.objtype AND a.grantee = e.grantee AND a.privilege = e.privilege
    )

UNION ALL
SELECT
    'default privilege',
    format(
        'excess: new %s in schema xferity grant %s to %s',
        CASE a.objtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
            ELSE a.objtype::text
        END, a.privilege, a.grantee
    )
FROM actual AS a
WHERE NOT EXISTS (
        SELECT FROM expected AS e
        WHERE a.objtype = e.objtype AND a.grantee = e.grantee AND a.privilege = e.privilege
    )

-- Functions are EXECUTE-able by PUBLIC unless the global default says otherwise.
UNION ALL
SELECT
    'default privilege',
    format(
        'missing: ALTER DEFAULT PRIVILEGES FOR ROLE %I REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC',
        {owner}
    )
FROM owner_role AS o
WHERE NOT EXISTS (
        SELECT FROM pg_catalog.pg_default_acl AS d
        WHERE
            d.defaclrole = o.oid AND d.defaclnamespace = 0 AND d.defaclobjtype = 'f'
            AND NOT EXISTS (
                SELECT FROM pg_catalog.aclexplode(d.defaclacl) AS x
                WHERE x.grantee = 0 AND x.privilege_type = 'EXECUTE'
            )
    );

-- name: audit_public
-- What PUBLIC holds that it must not, and SECURITY DEFINER functions without a pinned search_path.
SELECT 'excess' AS finding, 'PUBLIC can CREATE in schema public' AS detail
WHERE
    to_regnamespace('public') IS NOT NULL
    AND pg_catalog.has_schema_privilege('public', 'public', 'CREATE')

UNION ALL
SELECT 'excess', 'PUBLIC has USAGE on schema xferity'
WHERE
    to_regnamespace('xferity') IS NOT NULL
    AND pg_catalog.has_schema_privilege('public', 'xferity', 'USAGE')

UNION ALL
SELECT 'excess', format('PUBLIC can EXECUTE function %s', p.oid::regprocedure)
FROM pg_catalog.pg_proc AS p
WHERE
    p.pronamespace = 'xferity'::regnamespace
    AND pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE')

UNION ALL
SELECT 'excess', format('PUBLIC holds %s on %s', x.privilege_type, c.oid::regclass)
FROM pg_catalog.pg_class AS c
CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) AS x
WHERE c.relnamespace = 'xferity'::regnamespace AND x.grantee = 0

UNION ALL
SELECT
    'security definer',
    format('SECURITY DEFINER function %s does not pin search_path', p.oid::regprocedure)
FROM pg_catalog.pg_proc AS p
WHERE
    p.pronamespace = 'xferity'::regnamespace
    AND p.prosecdef
    AND NOT EXISTS (
        SELECT FROM unnest(coalesce(p.proconfig, ARRAY[]::text[])) AS setting
        WHERE setting LIKE 'search\_path=%'
    );

-- name: schema_exists
SELECT to_regnamespace('xferity') IS NOT NULL;
