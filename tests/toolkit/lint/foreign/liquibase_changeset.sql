--liquibase formatted sql

--changeset alice:1 runOnChange:true
CREATE TABLE storage_objects (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), path_tokens text[]);
--rollback DROP TABLE storage_objects;

--changeset bob:2 splitStatements:false
CREATE OR REPLACE FUNCTION search(prefix text) RETURNS SETOF storage_objects
LANGUAGE sql STABLE AS $$ SELECT * FROM storage_objects WHERE path_tokens[1] = prefix $$;
