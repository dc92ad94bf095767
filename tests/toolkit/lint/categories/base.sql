-- The live schema every category case runs against: created by an earlier, applied migration.
CREATE SCHEMA IF NOT EXISTS xferity;

CREATE TYPE xferity.job_state AS ENUM ('queued', 'running', 'done');

CREATE TABLE xferity.jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name varchar(50) NOT NULL,
    name_upper text GENERATED ALWAYS AS (upper(name)) STORED,
    code varchar(10),
    note text,
    payload jsonb NOT NULL DEFAULT '{}',
    tags text[] NOT NULL DEFAULT '{}',
    amount numeric(10, 2),
    state xferity.job_state NOT NULL DEFAULT 'queued',
    parent_id bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    period tstzrange
);
CREATE INDEX jobs_created_idx ON xferity.jobs (created_at);

CREATE TABLE xferity.notes (id bigint NOT NULL, body text);

CREATE TABLE xferity.events (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE xferity.events_2024 PARTITION OF xferity.events
FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

CREATE MATERIALIZED VIEW xferity.job_counts AS
SELECT state, count(*) AS n FROM xferity.jobs GROUP BY state;
CREATE UNIQUE INDEX job_counts_state ON xferity.job_counts (state);
