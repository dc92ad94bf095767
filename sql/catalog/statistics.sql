-- Extended statistics objects (CREATE STATISTICS).
SELECT
    'statistics' AS kind,
    format('%%s.%%s', quote_ident(n.nspname), quote_ident(s.stxname)) AS name,
    pg_get_statisticsobjdef(s.oid) AS definition,
    obj_description(s.oid, 'pg_statistic_ext') AS comment
FROM pg_statistic_ext AS s
JOIN pg_namespace AS n ON s.stxnamespace = n.oid
WHERE n.nspname = %(schema)s
