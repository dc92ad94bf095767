-- Rows in one table; the table name is composed with psycopg.sql.Identifier.
SELECT count(*) FROM {table}
