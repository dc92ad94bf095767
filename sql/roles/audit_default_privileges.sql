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
    )
