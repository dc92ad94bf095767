-- ALTER DEFAULT PRIVILEGES entries of this database that reach the schema: global ones and
-- those for the schema. One row per grantee and privilege (NULLs for an empty list).
SELECT
    pg_get_userbyid(d.defaclrole) AS for_role,
    n.nspname::text AS in_schema,
    CASE d.defaclobjtype
        WHEN 'r' THEN 'tables'
        WHEN 'S' THEN 'sequences'
        WHEN 'f' THEN 'functions'
        WHEN 'T' THEN 'types'
        WHEN 'n' THEN 'schemas'
        WHEN 'L' THEN 'large objects'
        ELSE d.defaclobjtype::text
    END AS object_type,
    CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(g.grantee) END AS grantee,
    g.privilege_type,
    g.is_grantable,
    g.grantee = d.defaclrole AS grantee_is_owner
FROM pg_default_acl AS d
LEFT JOIN pg_namespace AS n ON d.defaclnamespace = n.oid
LEFT JOIN LATERAL aclexplode(d.defaclacl) AS g ON TRUE
WHERE d.defaclnamespace = 0 OR n.nspname = %(schema)s
