-- Act as the given role: privilege checks become that role's. The role name is composed with
-- psycopg.sql.Identifier.
SET ROLE {role}
