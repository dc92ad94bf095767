-- Domains, enums, ranges and stand-alone composite types (not the row types of tables, nor
-- array types). Domain NOT NULL is compared through `definition`, never as a constraint row.
SELECT
    'type' AS kind,
    format('%%s.%%s', quote_ident(n.nspname), quote_ident(t.typname)) AS name,
    CASE t.typtype
        WHEN 'd' THEN 'domain'
        WHEN 'e' THEN 'enum'
        WHEN 'r' THEN 'range'
        ELSE 'composite'
    END AS type_kind,
    pg_get_userbyid(t.typowner) AS owner,
    CASE t.typtype
        WHEN 'd'
            THEN
                concat_ws(
                    ' ',
                    format_type(t.typbasetype, t.typtypmod),
                    CASE WHEN t.typnotnull THEN 'NOT NULL' END,
                    'DEFAULT ' || t.typdefault
                )
        WHEN 'r'
            THEN (
                SELECT format_type(r.rngsubtype, NULL)
                FROM pg_range AS r
                WHERE r.rngtypid = t.oid
            )
    END AS definition,
    CASE t.typtype
        WHEN 'd'
            THEN ARRAY(
                    SELECT
                        format('%%s %%s', quote_ident(con.conname), pg_get_constraintdef(con.oid))
                    FROM pg_constraint AS con
                    WHERE con.contypid = t.oid AND con.contype <> 'n'
                    ORDER BY con.conname
                )
        WHEN 'e'
            THEN ARRAY(
                    SELECT e.enumlabel::text
                    FROM pg_enum AS e
                    WHERE e.enumtypid = t.oid
                    ORDER BY e.enumsortorder
                )
        WHEN 'c'
            THEN ARRAY(
                    SELECT
                        format(
                            '%%s %%s', quote_ident(a.attname), format_type(a.atttypid, a.atttypmod)
                        )
                    FROM pg_attribute AS a
                    WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
                    ORDER BY a.attnum
                )
    END AS elements,
    obj_description(t.oid, 'pg_type') AS comment
FROM pg_type AS t
JOIN pg_namespace AS n ON t.typnamespace = n.oid
LEFT JOIN pg_class AS tc ON t.typrelid = tc.oid
WHERE
    n.nspname = %(schema)s
    AND (t.typtype IN ('d', 'e', 'r') OR (t.typtype = 'c' AND tc.relkind = 'c'))
    AND NOT EXISTS (
        SELECT FROM pg_depend AS d
        WHERE
            d.classid = 'pg_type'::regclass
            AND d.objid = t.oid
            AND d.deptype = 'e'
    )
