-- Columns of tables and views, keyed by name (never by attnum, which depends on history).
SELECT
    'column' AS kind,
    format(
        '%%s.%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname), quote_ident(a.attname)
    ) AS name,
    format_type(a.atttypid, a.atttypmod) AS type,
    a.attnotnull AS not_null,
    pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
    CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity,
    CASE a.attgenerated WHEN 's' THEN 'stored' WHEN 'v' THEN 'virtual' END AS generated,
    CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
    col_description(c.oid, a.attnum) AS comment
FROM pg_attribute AS a
JOIN pg_class AS c ON a.attrelid = c.oid
JOIN pg_namespace AS n ON c.relnamespace = n.oid
JOIN pg_type AS t ON a.atttypid = t.oid
LEFT JOIN pg_attrdef AS ad ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
LEFT JOIN pg_collation AS co ON a.attcollation = co.oid
WHERE
    n.nspname = %(schema)s
    AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
    AND a.attnum > 0
    AND NOT a.attisdropped
    AND NOT EXISTS (
        SELECT FROM pg_depend AS d
        WHERE
            d.classid = 'pg_class'::regclass
            AND d.objid = c.oid
            AND d.deptype = 'e'
    )
