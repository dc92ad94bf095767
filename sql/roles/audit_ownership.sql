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
WHERE n.nspname = 'xferity' AND pg_catalog.pg_get_userbyid(p.proowner) <> {owner}
