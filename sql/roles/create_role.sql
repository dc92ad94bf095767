DO $create_role$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {role_name}) THEN
        CREATE ROLE {role};
    END IF;
END
$create_role$;
ALTER ROLE {role} WITH {login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
