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
WHERE member.rolname IN ({app}, {worker}, {readonly})
