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
    )
