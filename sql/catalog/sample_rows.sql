-- The first rows of one table by the given key, each as a JSON object of its columns;
-- the table and key column names are composed with psycopg.sql.Identifier.
SELECT to_jsonb(t) AS row_data
FROM {table} AS t
ORDER BY {key}
LIMIT %(limit)s
