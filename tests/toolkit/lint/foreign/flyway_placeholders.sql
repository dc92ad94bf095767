CREATE TABLE ${schema}.river_job (
    id bigserial PRIMARY KEY,
    args jsonb NOT NULL DEFAULT '{}',
    kind text NOT NULL
);
ALTER TABLE ${schema}.river_job OWNER TO ${owner};
GRANT ALL ON ${schema}.river_job TO {{ app_role }};
COMMENT ON TABLE {{ schema }}.river_job IS '{{ description }}';
