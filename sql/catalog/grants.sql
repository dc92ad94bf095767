-- Every privilege on the schema and its objects, one row per grantee and privilege. A NULL ACL
-- means the built-in default, so acldefault() spells it out (e.g. PUBLIC's EXECUTE on
-- functions). `kind` and `name` match the keys of the other catalog queries.
WITH
schema_acl AS (
    SELECT
        'schema' AS kind,
        quote_ident(n.nspname) AS name,
        n.nspowner AS owner_oid,
        coalesce(n.nspacl, acldefault('n', n.nspowner)) AS acl
    FROM pg_namespace AS n
    WHERE n.nspname = %(schema)s
),

relation_acl AS (
    SELECT
        CASE
            WHEN c.relkind = 'S' THEN 'sequence'
            WHEN c.relkind IN ('v', 'm') THEN 'view'
            ELSE 'table'
        END AS kind,
        format('%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname)) AS name,
        c.relowner AS owner_oid,
        coalesce(
            c.relacl,
            acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)
        ) AS acl
    FROM pg_class AS c
    JOIN pg_namespace AS n ON c.relnamespace = n.oid
    WHERE
        n.nspname = %(schema)s
        AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
),

column_acl AS (
    SELECT
        'column' AS kind,
        format(
            '%%s.%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname), quote_ident(a.attname)
        ) AS name,
        c.relowner AS owner_oid,
        a.attacl AS acl
    FROM pg_attribute AS a
    JOIN pg_class AS c ON a.attrelid = c.oid
    JOIN pg_namespace AS n ON c.relnamespace = n.oid
    WHERE
        n.nspname = %(schema)s
        AND a.attacl IS NOT NULL
        AND a.attnum > 0
        AND NOT a.attisdropped
),

function_acl AS (
    SELECT
        'function' AS kind,
        format(
            '%%s.%%s(%%s)',
            quote_ident(n.nspname),
            quote_ident(p.proname),
            pg_get_function_identity_arguments(p.oid)
        ) AS name,
        p.proowner AS owner_oid,
        coalesce(p.proacl, acldefault('f', p.proowner)) AS acl
    FROM pg_proc AS p
    JOIN pg_namespace AS n ON p.pronamespace = n.oid
    WHERE n.nspname = %(schema)s
),

type_acl AS (
    SELECT
        'type' AS kind,
        format('%%s.%%s', quote_ident(n.nspname), quote_ident(t.typname)) AS name,
        t.typowner AS owner_oid,
        coalesce(t.typacl, acldefault('T', t.typowner)) AS acl
    FROM pg_type AS t
    JOIN pg_namespace AS n ON t.typnamespace = n.oid
    LEFT JOIN pg_class AS tc ON t.typrelid = tc.oid
    WHERE
        n.nspname = %(schema)s
        AND (t.typtype IN ('d', 'e', 'r') OR (t.typtype = 'c' AND tc.relkind = 'c'))
),

all_acl AS (
    SELECT * FROM schema_acl
    UNION ALL
    SELECT * FROM relation_acl
    UNION ALL
    SELECT * FROM column_acl
    UNION ALL
    SELECT * FROM function_acl
    UNION ALL
    SELECT * FROM type_acl
)

SELECT
    o.kind,
    o.name,
    CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(g.grantee) END AS grantee,
    g.privilege_type,
    g.is_grantable,
    g.grantee = o.owner_oid AS grantee_is_owner
FROM all_acl AS o
CROSS JOIN LATERAL aclexplode(o.acl) AS g
