-- Sequences and their options (never their current value, which is data), and the column
-- that owns them (identity and serial columns).
SELECT
    'sequence' AS kind,
    format('%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname)) AS name,
    pg_get_userbyid(c.relowner) AS owner,
    format_type(s.seqtypid, NULL) AS data_type,
    s.seqstart::text AS start_value,
    s.seqincrement::text AS increment,
    s.seqmin::text AS min_value,
    s.seqmax::text AS max_value,
    s.seqcache::text AS cache,
    s.seqcycle AS cycle,
    (
        SELECT
            format(
                '%%s.%%s.%%s',
                quote_ident(tn.nspname),
                quote_ident(t.relname),
                quote_ident(a.attname)
            )
        FROM pg_depend AS d
        JOIN pg_class AS t ON d.refobjid = t.oid
        JOIN pg_namespace AS tn ON t.relnamespace = tn.oid
        JOIN pg_attribute AS a ON d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
        WHERE
            d.classid = 'pg_class'::regclass
            AND d.objid = c.oid
            AND d.refclassid = 'pg_class'::regclass
            AND d.deptype IN ('a', 'i')
        ORDER BY d.refobjid, d.refobjsubid
        LIMIT 1
    ) AS owned_by,
    obj_description(c.oid, 'pg_class') AS comment
FROM pg_sequence AS s
JOIN pg_class AS c ON s.seqrelid = c.oid
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    n.nspname = %(schema)s
    AND NOT EXISTS (
        SELECT FROM pg_depend AS d
        WHERE
            d.classid = 'pg_class'::regclass
            AND d.objid = c.oid
            AND d.deptype = 'e'
    )
