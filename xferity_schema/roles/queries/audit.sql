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
SELECT
    'excess',
    format(
        'role %I is a member of %I (granted by %I)',
        member.rolname, parent.rolname, pg_catalog.pg_get_userbyid(am.grantor)
    )
FROM pg_catalog.pg_auth_members AS am
INNER JOIN pg_catalog.pg_roles AS member ON am.member = member.oid
INNER JOIN pg_catalog.pg_roles AS parent ON am.roleid = parent.oid
WHERE member.rolname IN ({app}, {worker}, {readonly})

-- A role of the model granted to a role that neither belongs to the model nor logs in (a
-- group whose members would then act as it; logins are audited one by one). On 16+ a
-- membership with neither SET nor INHERIT (a CREATEROLE DBA's ADMIN) grants nothing.
UNION ALL
SELECT
    'excess',
    format(
        'role %I of the model is granted to role %I (granted by %I)',
        parent.rolname, member.rolname, pg_catalog.pg_get_userbyid(am.grantor)
    )
FROM pg_catalog.pg_auth_members AS am
INNER JOIN pg_catalog.pg_roles AS member ON am.member = member.oid
INNER JOIN pg_catalog.pg_roles AS parent ON am.roleid = parent.oid
WHERE
    parent.rolname IN ({owner}, {migrator}, {app}, {worker}, {readonly})
    AND member.rolname NOT IN ({owner}, {migrator}, {app}, {worker}, {readonly})
    AND NOT member.rolcanlogin
    AND (
        coalesce((to_jsonb(am) ->> 'set_option')::boolean, TRUE)
        OR coalesce((to_jsonb(am) ->> 'inherit_option')::boolean, TRUE)
    )

-- Among the model's roles only the migrator may be a member of another (the owner).
UNION ALL
SELECT
    'excess',
    format(
        'role %I is a member of %I (granted by %I)',
        member.rolname, parent.rolname, pg_catalog.pg_get_userbyid(am.grantor)
    )
FROM pg_catalog.pg_auth_members AS am
INNER JOIN pg_catalog.pg_roles AS member ON am.member = member.oid
INNER JOIN pg_catalog.pg_roles AS parent ON am.roleid = parent.oid
WHERE member.rolname IN ({owner}, {migrator})
    AND NOT (member.rolname = {migrator} AND parent.rolname = {owner});

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
-- What PUBLIC holds that it must not, in schema xferity.
SELECT 'excess' AS finding, 'PUBLIC has USAGE on schema xferity' AS detail
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
WHERE c.relnamespace = 'xferity'::regnamespace AND x.grantee = 0;

-- name: audit_database
-- Database-level privileges and CREATE on schema public, for PUBLIC, every role of the model
-- and every login that acts as one: the model gives CONNECT to the migrator and the
-- runtime roles, and nothing else to anyone.
WITH model (rolname, kind) AS (
    VALUES
    ({owner}::text, 'owner'),
    ({migrator}::text, 'migrator'),
    ({app}::text, 'app'),
    ({worker}::text, 'worker'),
    ({readonly}::text, 'readonly')
),

subjects AS (
    SELECT
        r.oid,
        r.rolname::text AS rolname,
        format('role %I', r.rolname) AS label,
        m.kind IN ('migrator', 'app', 'worker', 'readonly') AS may_connect
    FROM model AS m
    INNER JOIN pg_catalog.pg_roles AS r ON m.rolname = r.rolname
    UNION ALL
    SELECT r.oid, r.rolname::text, format('login %I', r.rolname), TRUE
    FROM pg_catalog.pg_roles AS r
    WHERE r.rolname = any({logins}::text[])
),

db AS (
    SELECT
        d.oid,
        d.datname,
        d.datdba,
        coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba)) AS acl
    FROM pg_catalog.pg_database AS d
    WHERE d.datname = current_database()
),

public_schema AS (
    SELECT n.oid, n.nspowner, coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)) AS acl
    FROM pg_catalog.pg_namespace AS n
    WHERE n.nspname = 'public'
)

SELECT
    'excess' AS finding,
    format(
        'PUBLIC holds %s on database %I (granted by %s)', x.privilege_type, db.datname,
        pg_catalog.pg_get_userbyid(x.grantor)
    ) AS detail
FROM db
CROSS JOIN LATERAL pg_catalog.aclexplode(db.acl) AS x
WHERE x.grantee = 0

UNION ALL
SELECT
    'excess',
    format(
        '%s holds %s on database %I (held via %s)', s.label, p.privilege, db.datname,
        CASE
            WHEN s.oid = db.datdba THEN 'owning the database'
            WHEN EXISTS (
                    SELECT FROM pg_catalog.aclexplode(db.acl) AS x
                    WHERE x.grantee = s.oid AND x.privilege_type = p.privilege
                ) THEN 'direct grant'
            WHEN EXISTS (
                    SELECT FROM pg_catalog.aclexplode(db.acl) AS x
                    WHERE x.grantee = 0 AND x.privilege_type = p.privilege
                ) THEN 'PUBLIC'
            WHEN (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.oid = s.oid)
                THEN 'SUPERUSER'
            ELSE 'role membership'
        END
    )
FROM subjects AS s
CROSS JOIN db
CROSS JOIN unnest(ARRAY['CREATE', 'TEMPORARY', 'CONNECT']) AS p (privilege)
WHERE
    pg_catalog.has_database_privilege(s.oid, db.oid, p.privilege)
    AND NOT (p.privilege = 'CONNECT' AND s.may_connect)

UNION ALL
SELECT 'excess', 'PUBLIC can CREATE in schema public'
FROM public_schema AS ps
WHERE pg_catalog.has_schema_privilege('public', ps.oid, 'CREATE')

UNION ALL
SELECT
    'excess',
    format(
        '%s can CREATE in schema public (held via %s)', s.label,
        CASE
            WHEN pg_catalog.pg_has_role(s.oid, ps.nspowner, 'USAGE') THEN 'owning schema public'
            WHEN EXISTS (
                    SELECT FROM pg_catalog.aclexplode(ps.acl) AS x
                    WHERE x.grantee = s.oid AND x.privilege_type = 'CREATE'
                ) THEN 'direct grant'
            WHEN EXISTS (
                    SELECT FROM pg_catalog.aclexplode(ps.acl) AS x
                    WHERE x.grantee = 0 AND x.privilege_type = 'CREATE'
                ) THEN 'PUBLIC'
            ELSE 'role membership'
        END
    )
FROM subjects AS s
CROSS JOIN public_schema AS ps
WHERE
    pg_catalog.has_schema_privilege(s.oid, ps.oid, 'CREATE')
    -- PUBLIC's CREATE is reported once, above.
    AND NOT pg_catalog.has_schema_privilege('public', ps.oid, 'CREATE');

-- name: model_logins
-- Every login user, other than the model's own roles, that is a member of a role of the model,
-- however indirectly. On 16+ a membership that grants neither SET nor INHERIT (the ADMIN a
-- CREATEROLE DBA holds on the roles it created) gives no privileges and is left out.
WITH RECURSIVE model (rolname) AS (
    VALUES ({owner}::text), ({migrator}), ({app}), ({worker}), ({readonly})
),

edges AS (
    SELECT am.member, am.roleid
    FROM pg_catalog.pg_auth_members AS am
    WHERE
        coalesce((to_jsonb(am) ->> 'set_option')::boolean, TRUE)
        OR coalesce((to_jsonb(am) ->> 'inherit_option')::boolean, TRUE)
),

reach (login, roleid) AS (
    SELECT e.member, e.roleid
    FROM edges AS e
    INNER JOIN pg_catalog.pg_roles AS r ON e.member = r.oid
    WHERE r.rolcanlogin AND r.rolname NOT IN (SELECT m.rolname FROM model AS m)
    UNION
    SELECT reach.login, e.roleid
    FROM reach
    INNER JOIN edges AS e ON reach.roleid = e.member
)

SELECT DISTINCT r.rolname::text AS login
FROM reach
INNER JOIN pg_catalog.pg_roles AS r ON reach.login = r.oid
INNER JOIN pg_catalog.pg_roles AS target ON reach.roleid = target.oid
WHERE target.rolname IN (SELECT m.rolname FROM model AS m)
ORDER BY r.rolname::text;

-- name: audit_logins
-- The login users that act as roles of the model: attributes, memberships beyond
-- the one part each plays (a migrator login may act as the owner through the migrator), and
-- privileges granted to them directly in schema xferity.
WITH RECURSIVE model (rolname, kind) AS (
    VALUES
    ({owner}::text, 'owner'),
    ({migrator}::text, 'migrator'),
    ({app}::text, 'app'),
    ({worker}::text, 'worker'),
    ({readonly}::text, 'readonly')
),

logins AS (
    SELECT r.*
    FROM pg_catalog.pg_roles AS r
    WHERE r.rolname = any({logins}::text[])
),

edges AS (
    SELECT am.member, am.roleid, am.grantor
    FROM pg_catalog.pg_auth_members AS am
    WHERE
        coalesce((to_jsonb(am) ->> 'set_option')::boolean, TRUE)
        OR coalesce((to_jsonb(am) ->> 'inherit_option')::boolean, TRUE)
),

-- Every role a login can act as, and how: the first step of the path.
reach (login, roleid, how) AS (
    SELECT
        e.member,
        e.roleid,
        format('granted directly by %I', pg_catalog.pg_get_userbyid(e.grantor))
    FROM edges AS e
    WHERE e.member IN (SELECT l.oid FROM logins AS l)
    UNION
    SELECT
        reach.login,
        e.roleid,
        format('through %I', pg_catalog.pg_get_userbyid(reach.roleid))
    FROM reach
    INNER JOIN edges AS e ON reach.roleid = e.member
),

acting AS (
    SELECT
        l.oid AS login,
        l.rolname::text AS login_name,
        m.kind,
        t.rolname::text AS role_name,
        reach.how
    FROM reach
    INNER JOIN logins AS l ON reach.login = l.oid
    INNER JOIN pg_catalog.pg_roles AS t ON reach.roleid = t.oid
    LEFT JOIN model AS m ON t.rolname = m.rolname
),

-- The one part a login plays: the first model role it was granted directly.
part AS (
    SELECT DISTINCT ON (a.login) a.login, a.kind
    FROM acting AS a
    WHERE a.kind IS NOT NULL AND a.how LIKE 'granted directly%'
    ORDER BY
        a.login,
        array_position(ARRAY['migrator', 'app', 'worker', 'readonly', 'owner'], a.kind)
),

-- Schema xferity and what is in it, each with its access privileges.
objects (what, acl) AS (
    SELECT 'schema xferity', n.nspacl
    FROM pg_catalog.pg_namespace AS n WHERE n.nspname = 'xferity'
    UNION ALL
    SELECT format('table %s', c.oid::regclass), c.relacl
    FROM pg_catalog.pg_class AS c WHERE c.relnamespace = 'xferity'::regnamespace
    UNION ALL
    SELECT format('column %s.%I', c.oid::regclass, a.attname), a.attacl
    FROM pg_catalog.pg_class AS c
    INNER JOIN pg_catalog.pg_attribute AS a ON c.oid = a.attrelid
    WHERE c.relnamespace = 'xferity'::regnamespace AND a.attacl IS NOT NULL
    UNION ALL
    SELECT format('function %s', f.oid::regprocedure), f.proacl
    FROM pg_catalog.pg_proc AS f WHERE f.pronamespace = 'xferity'::regnamespace
)

SELECT
    'login' AS finding,
    format('login %I (acts as %s) has attribute %s', l.rolname, p.kind, a.attribute) AS detail
FROM logins AS l
LEFT JOIN part AS p ON l.oid = p.login
CROSS JOIN
    LATERAL (
    VALUES
    ('SUPERUSER', l.rolsuper),
    ('CREATEDB', l.rolcreatedb),
    ('CREATEROLE', l.rolcreaterole),
    ('REPLICATION', l.rolreplication),
    ('BYPASSRLS', l.rolbypassrls)
    ) AS a (attribute, present)
WHERE a.present

UNION ALL
SELECT
    'login',
    format(
        'login %I (acts as %s) is a member of role %I (%s)%s', a.login_name, p.kind,
        a.role_name, a.how,
        CASE
            WHEN a.kind IS NULL THEN ', which is no role of the model'
            WHEN a.kind = 'owner' THEN ': it can alter or drop every object of schema xferity'
            ELSE ''
        END
    )
FROM acting AS a
INNER JOIN part AS p ON a.login = p.login
WHERE
    NOT (
        a.kind = p.kind
        OR (p.kind = 'migrator' AND a.kind = 'owner' AND a.how = format('through %I', {migrator}))
    )

UNION ALL
SELECT
    'login',
    format(
        'login %I (acts as %s) holds %s on %s by direct grant', l.rolname, p.kind,
        x.privilege_type, o.what
    )
FROM logins AS l
LEFT JOIN part AS p ON l.oid = p.login
CROSS JOIN objects AS o
CROSS JOIN LATERAL pg_catalog.aclexplode(o.acl) AS x
WHERE x.grantee = l.oid;

-- name: audit_security_definer
-- SECURITY DEFINER functions of this database (every schema but the system's) whose
-- search_path lets a caller put objects in their way: not pinned, or with public or $user in
-- it, or pg_temp not last (a search_path without pg_temp searches it first).
WITH definers AS (
    SELECT
        p.oid::regprocedure AS signature,
        pg_catalog.pg_get_userbyid(p.proowner) AS owner_name,
        (
            SELECT substr(setting, length('search_path=') + 1)
            FROM unnest(coalesce(p.proconfig, ARRAY[]::text[])) AS setting
            WHERE setting LIKE 'search\_path=%'
        ) AS search_path
    FROM pg_catalog.pg_proc AS p
    INNER JOIN pg_catalog.pg_namespace AS n ON p.pronamespace = n.oid
    WHERE
        p.prosecdef
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\_toast%'
),

entries AS (
    SELECT
        d.signature,
        d.owner_name,
        d.search_path,
        array_remove(ARRAY(
            SELECT trim(BOTH '"' FROM trim(e))
            FROM unnest(string_to_array(d.search_path, ',')) AS e
        ), '') AS path
    FROM definers AS d
    WHERE d.search_path IS NOT NULL
)

SELECT
    'security definer' AS finding,
    format(
        'SECURITY DEFINER function %s (owned by %I) does not pin search_path',
        d.signature, d.owner_name
    ) AS detail
FROM definers AS d
WHERE d.search_path IS NULL

UNION ALL
SELECT
    'security definer',
    format(
        'SECURITY DEFINER function %s (owned by %I) has an unsafe search_path (%s): %s',
        e.signature, e.owner_name, e.search_path,
        concat_ws(
            '; ',
            CASE WHEN 'public' = any(e.path) THEN 'public is in it' END,
            CASE WHEN '$user' = any(e.path) THEN '$user is in it' END,
            CASE
                WHEN e.path[cardinality(e.path)] IS DISTINCT FROM 'pg_temp'
                    THEN 'pg_temp is not last'
            END
        )
    )
FROM entries AS e
WHERE
    'public' = any(e.path)
    OR '$user' = any(e.path)
    OR e.path[cardinality(e.path)] IS DISTINCT FROM 'pg_temp';

-- name: recorded_role_model
-- The role names the DBA's grant script recorded for this database (none before it ran).
SELECT kind, role_name FROM xferity.role_model ORDER BY kind;

-- name: has_model_function
SELECT
    to_regclass('xferity.role_model') IS NOT NULL AS has_table,
    to_regprocedure('xferity.role_model_privileges()') IS NOT NULL AS has_function;

-- name: model_privileges
SELECT grantee, object_type, object_name, column_name, privilege
FROM xferity.role_model_privileges();

-- name: schema_exists
SELECT to_regnamespace('xferity') IS NOT NULL;
