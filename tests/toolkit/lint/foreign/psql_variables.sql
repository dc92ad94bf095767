\set ON_ERROR_STOP on
\set schema_name graphile_worker
SET search_path TO :schema_name, public;
CREATE TABLE :"schema_name".jobs (id bigserial PRIMARY KEY, queue_name text DEFAULT (public.gen_random_uuid())::text);
GRANT SELECT ON :"schema_name".jobs TO :'role_name';
\i other_file.sql
\ir ./relative.sql
\echo done
