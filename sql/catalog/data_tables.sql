-- Tables whose rows the upgrade check samples: their primary key columns in key order (empty
-- when a table has none) and all their columns.
SELECT
    c.relname::text AS table_name,
    ARRAY(
        SELECT a.attname::text
        FROM pg_index AS x
        CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k (attnum, position)
        JOIN pg_attribute AS a ON x.indrelid = a.attrelid AND k.attnum = a.attnum
        WHERE x.indrelid = c.oid AND x.indisprimary
        ORDER BY k.position
    ) AS key_columns,
    ARRAY(
        SELECT a.attname::text
        FROM pg_attribute AS a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
    ) AS column_names
FROM pg_class AS c
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    n.nspname = %(schema)s
    AND c.relkind IN ('r', 'p')
ORDER BY c.relname
