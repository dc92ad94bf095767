-- Table constraints. PostgreSQL 18 also catalogues NOT NULL as constraints (contype 'n');
-- nullness is compared on the column instead, so those rows are left out.
SELECT
    'constraint' AS kind,
    format(
        '%%s.%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname), quote_ident(con.conname)
    ) AS name,
    CASE con.contype
        WHEN 'p' THEN 'primary key'
        WHEN 'u' THEN 'unique'
        WHEN 'f' THEN 'foreign key'
        WHEN 'c' THEN 'check'
        WHEN 'x' THEN 'exclusion'
        WHEN 't' THEN 'constraint trigger'
        ELSE con.contype::text
    END AS constraint_type,
    pg_get_constraintdef(con.oid) AS definition,
    con.convalidated AS validated,
    obj_description(con.oid, 'pg_constraint') AS comment
FROM pg_constraint AS con
JOIN pg_class AS c ON con.conrelid = c.oid
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    n.nspname = %(schema)s
    AND con.contype <> 'n'
