-- The "bare SQL" queue of the benchmarks (bench_queue.py --compare-bare and
-- bench_queue_peers.mjs): a minimal jobs table with one partial index, claimed
-- by one WITH ... FOR UPDATE SKIP LOCKED ... UPDATE and finished by one UPDATE.
-- It has only what that claim and finish need: no checks, no other indexes, no
-- storage options, no functions. It lives in its own schema, dropped first.
DROP SCHEMA IF EXISTS xferity_bench CASCADE;

CREATE SCHEMA xferity_bench;

CREATE TABLE xferity_bench.jobs (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    state text NOT NULL DEFAULT 'available',
    priority integer NOT NULL DEFAULT 0,
    run_at timestamptz NOT NULL DEFAULT now(),
    attempt integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 25,
    locked_by text,
    locked_at timestamptz,
    lease_expires_at timestamptz,
    finished_at timestamptz
);

CREATE INDEX jobs_claim_idx ON xferity_bench.jobs (priority DESC, run_at, id)
WHERE state = 'available';

-- The same queue on a copy of xferity.jobs (columns, checks, indexes): the
-- peers script's "bare-table", which separates the cost of the job API from
-- the cost of maintaining the table's indexes.
CREATE TABLE xferity_bench.jobs_full (LIKE xferity.jobs INCLUDING ALL);
