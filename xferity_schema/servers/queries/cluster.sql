-- Cluster-level housekeeping on the embedded and scratch servers, run as their superuser.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: database_exists
SELECT 1 FROM pg_catalog.pg_database WHERE datname = %(database)s;

-- name: create_database
CREATE DATABASE {database};

-- name: create_database_from_template
CREATE DATABASE {database} TEMPLATE {template};

-- name: drop_database
DROP DATABASE IF EXISTS {database} WITH (FORCE);

-- name: connectable_databases
SELECT datname FROM pg_catalog.pg_database WHERE datallowconn;

-- name: role_exists
SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %(role)s;

-- name: drop_owned_by
DROP OWNED BY {role};

-- name: drop_role
DROP ROLE IF EXISTS {role};
