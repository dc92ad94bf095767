-- Indexes, including those behind primary keys and unique constraints. An INVALID index (a
-- failed CREATE INDEX CONCURRENTLY) is a difference of its own.
SELECT
    'index' AS kind,
    format('%%s.%%s', quote_ident(n.nspname), quote_ident(i.relname)) AS name,
    pg_get_indexdef(i.oid) AS definition,
    x.indisvalid AS valid,
    x.indisclustered AS clustered,
    obj_description(i.oid, 'pg_class') AS comment
FROM pg_index AS x
JOIN pg_class AS i ON x.indexrelid = i.oid
JOIN pg_namespace AS n ON i.relnamespace = n.oid
WHERE n.nspname = %(schema)s
