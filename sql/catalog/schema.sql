-- The schema itself: its owner and comment (its grants come from grants.sql).
SELECT
    'schema' AS kind,
    quote_ident(n.nspname) AS name,
    pg_get_userbyid(n.nspowner) AS owner,
    obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_namespace AS n
WHERE n.nspname = %(schema)s
