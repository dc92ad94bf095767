DO $create_login$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {login_name}) THEN
        CREATE ROLE {login} LOGIN;
    END IF;
END
$create_login$;
GRANT {role} TO {login};
