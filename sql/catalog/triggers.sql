-- User triggers. Internal ones (foreign keys) are left out, and so are the clones a
-- partitioned table's trigger gets on each partition: PostgreSQL 14 hides those, 15+ shows them.
SELECT
    'trigger' AS kind,
    format(
        '%%s.%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname), quote_ident(t.tgname)
    ) AS name,
    pg_get_triggerdef(t.oid) AS definition,
    CASE t.tgenabled
        WHEN 'O' THEN 'enabled'
        WHEN 'D' THEN 'disabled'
        WHEN 'R' THEN 'replica only'
        WHEN 'A' THEN 'always'
    END AS enabled,
    obj_description(t.oid, 'pg_trigger') AS comment
FROM pg_trigger AS t
JOIN pg_class AS c ON t.tgrelid = c.oid
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    n.nspname = %(schema)s
    AND NOT t.tgisinternal
    AND t.tgparentid = 0
