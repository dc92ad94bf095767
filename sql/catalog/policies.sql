-- Row-level security policies.
SELECT
    'policy' AS kind,
    format(
        '%%s.%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname), quote_ident(pol.polname)
    ) AS name,
    CASE pol.polcmd
        WHEN 'r' THEN 'SELECT'
        WHEN 'a' THEN 'INSERT'
        WHEN 'w' THEN 'UPDATE'
        WHEN 'd' THEN 'DELETE'
        ELSE 'ALL'
    END AS command,
    pol.polpermissive AS permissive,
    ARRAY(
        SELECT CASE WHEN r.oid = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r.oid) END
        FROM unnest(pol.polroles) AS r (oid)
        ORDER BY 1
    ) AS roles,
    pg_get_expr(pol.polqual, pol.polrelid) AS using_expr,
    pg_get_expr(pol.polwithcheck, pol.polrelid) AS check_expr,
    obj_description(pol.oid, 'pg_policy') AS comment
FROM pg_policy AS pol
JOIN pg_class AS c ON pol.polrelid = c.oid
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE n.nspname = %(schema)s
