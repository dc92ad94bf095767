-- Data samples: row counts and sampled rows that an upgrade must keep.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: data_tables
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
ORDER BY c.relname;

-- name: count_rows
-- Rows in one table; the table name is composed with psycopg.sql.Identifier.
SELECT count(*) FROM {table};

-- name: sample_rows
-- The first rows of one table by the given key, each as a JSON object of its columns;
-- the table and key column names are composed with psycopg.sql.Identifier.
SELECT to_jsonb(t) AS row_data
FROM {table} AS t
ORDER BY {key}
LIMIT %(limit)s;
